"""TinyTitan in PyTorch, for `pnpm bench`: the same architecture as @agent-forge/core's model
(rotary positions, SwiGLU, RMSNorm, tied embeddings, no biases — or, as the config says, learned
positions, a GELU MLP, LayerNorm and an untied head, the Grokfast setting), the same config, batch and
thread count, trained with AdamW. Prints one JSON line.

usage: /usr/bin/python3 torch_tinytitan.py '<model config json>' <batch> <steps> <threads> <warmup>
       /usr/bin/python3 torch_tinytitan.py latency '<model config json>' <prompt> <new> <runs> <warmup> <threads>

The `latency` form is the PyTorch (float) column of the edge bench (packages/edge/bench/edge-bench.mjs):
batch 1, greedy, KV cache, the figures of edge's `measureLatency` measured the same way.
"""
import json
import math
import os
import resource
import sys
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_norm(c):
    return nn.LayerNorm(c["dModel"], eps=c["normEps"]) if c.get("norm") == "layernorm" else RMSNorm(c["dModel"], c["normEps"])


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotary_tables(head, ctx, theta):
    inv = 1.0 / (theta ** (torch.arange(0, head, 2).float() / head))
    angles = torch.outer(torch.arange(ctx).float(), inv)
    return torch.cos(angles), torch.sin(angles)


def apply_rotary(x, cos, sin):
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, f = c["dModel"], c["dFF"]
        self.h = c["nHeads"]
        self.rotary = c.get("positions", "rotary") == "rotary"
        self.gelu = c.get("mlp") == "gelu"
        self.attn_norm = make_norm(c)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d, bias=False) for _ in range(4))
        self.mlp_norm = make_norm(c)
        self.gate = None if self.gelu else nn.Linear(d, f, bias=False)
        self.up = nn.Linear(d, f, bias=False)
        self.down = nn.Linear(f, d, bias=False)

    def forward(self, x, cos, sin, mask, cache=None):
        B, T, C = x.shape
        hd = C // self.h
        h = self.attn_norm(x)
        q, k, v = (p(h).view(B, T, self.h, hd).transpose(1, 2) for p in (self.q, self.k, self.v))
        if self.rotary:
            q, k = apply_rotary(q, cos, sin), apply_rotary(k, cos, sin)
        if cache is not None:
            if "k" in cache:
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k, v
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        if mask is not None:
            att = att + mask
        y = (F.softmax(att, dim=-1) @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.o(y)
        h = self.mlp_norm(x)
        hidden = F.gelu(self.up(h), approximate="tanh") if self.gelu else F.silu(self.gate(h)) * self.up(h)
        return x + self.down(hidden)


class TinyTitan(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c["vocabSize"], c["dModel"])
        nn.init.normal_(self.embed.weight, std=c["initStd"])
        self.blocks = nn.ModuleList([Block(c) for _ in range(c["nLayers"])])
        self.norm = make_norm(c)
        self.pos = nn.Embedding(c["contextLength"], c["dModel"]) if c.get("positions") == "learned" else None
        self.head = None if c.get("tiedEmbeddings", True) else nn.Linear(c["dModel"], c["vocabSize"], bias=False)
        cos, sin = rotary_tables(c["dModel"] // c["nHeads"], c["contextLength"], c["ropeTheta"])
        self.register_buffer("cos", cos)
        self.register_buffer("sin", sin)
        T = c["contextLength"]
        self.register_buffer("mask", torch.triu(torch.full((T, T), -1e9), 1))

    def forward(self, idx, caches=None, pos0=0):
        T = idx.shape[1]
        x = self.embed(idx)
        if self.pos is not None:
            x = x + self.pos.weight[pos0:pos0 + T]
        cos, sin = self.cos[pos0:pos0 + T], self.sin[pos0:pos0 + T]
        mask = self.mask[:T, :T] if pos0 == 0 else None
        for i, block in enumerate(self.blocks):
            x = block(x, cos, sin, mask, None if caches is None else caches[i])
        h = self.norm(x)
        return self.head(h) if self.head is not None else h @ self.embed.weight.t()


def main():
    config = json.loads(sys.argv[1])
    batch, steps, threads, warmup = (int(a) for a in sys.argv[2:6])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = TinyTitan(config)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
    ctx, vocab = config["contextLength"], config["vocabSize"]
    data = torch.randint(0, vocab, (batch, ctx + 1))
    times, losses = [], []
    for step in range(warmup + steps):
        t0 = time.perf_counter()
        logits = model(data[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, vocab), data[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        elapsed = time.perf_counter() - t0
        losses.append(loss.item())
        if step >= warmup:
            times.append(elapsed * 1000)
    times.sort()
    ms_step = times[len(times) // 2]
    gen_ms = generation_ms_per_token(model, ctx, vocab)
    forward_ms = full_forward_ms(model, ctx, vocab)
    print(json.dumps({
        "backend": "torch", "threads": threads, "params": params, "msPerStep": ms_step,
        "tokensPerSecond": batch * ctx / (ms_step / 1000), "generateMsPerToken": gen_ms, "forwardMs": forward_ms,
        "peakRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "firstLoss": losses[0], "lastLoss": losses[-1], "blas": blas_name(),
        "torch": torch.__version__, "blasCore": openblas_core(), "float64MaxError": float64_check(),
    }))


def full_forward_ms(model, ctx, vocab, repeats=5):
    """Batch 1, the whole context in one forward pass, no gradient: median ms."""
    with torch.no_grad():
        tokens = torch.randint(0, vocab, (1, ctx))
        model(tokens)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            model(tokens)
            times.append((time.perf_counter() - t0) * 1000)
        return sorted(times)[repeats // 2]


def openblas_core():
    """The kernel family OpenBLAS picked (Haswell, SkylakeX, ...): OPENBLAS_CORETYPE changes it."""
    try:
        import ctypes
        lib = ctypes.CDLL("libopenblas.so.0")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode()
    except Exception:  # noqa: BLE001 — informational only
        return "unknown"


def float64_check():
    """Largest |float32 − float64| over a 512² product, relative to the largest entry: a guard that
    the BLAS kernels picked compute correctly (the reason OPENBLAS_CORETYPE is pinned on some machines)."""
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(512, 512, generator=g), torch.randn(512, 512, generator=g)
    exact = a.double() @ b.double()
    return float(((a @ b).double() - exact).abs().max() / exact.abs().max())


def generation_ms_per_token(model, ctx, vocab, new_tokens=32, repeats=3):
    """Batch 1, KV cache: prefill half the context, then time one token at a time (greedy); median of
    `repeats` generations, as the engine's figure is."""
    times = sorted(one_generation_ms_per_token(model, ctx, vocab, new_tokens) for _ in range(repeats))
    return times[len(times) // 2]


def one_generation_ms_per_token(model, ctx, vocab, new_tokens):
    with torch.no_grad():
        prompt = torch.randint(0, vocab, (1, ctx // 2))
        caches = [dict() for _ in model.blocks]
        logits = model(prompt, caches, 0)
        pos = prompt.shape[1]
        t0 = time.perf_counter()
        count = min(new_tokens, ctx - pos)
        for _ in range(count):
            token = logits[:, -1].argmax(-1, keepdim=True)
            logits = model(token, caches, pos)
            pos += 1
        return (time.perf_counter() - t0) * 1000 / count


def loaded_blas():
    """The libblas.so.3 this process really mapped (the alternatives link can differ from it when
    LD_LIBRARY_PATH selects another build, as the bench does to get the OpenMP OpenBLAS)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if line.rstrip().endswith("libblas.so.3")}
        return sorted(paths)[0] if paths else os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    except OSError:  # informational only
        return "unknown"


def blas_name():
    real = loaded_blas()
    kind = "openblas" if "openblas" in real else ("reference" if "blas/" in real else real)
    threading = " (OpenMP)" if "openblas-openmp" in real else (" (pthreads)" if "openblas-pthread" in real else "")
    return kind + threading


def blas_info():
    """The BLAS torch was built against (`torch.__config__.show()`: BLAS_INFO) and the library it loads."""
    shown = torch.__config__.show()
    built = next((part.split("=", 1)[1] for part in shown.replace(",", " ").split() if part.startswith("BLAS_INFO=")), "unknown")
    return {"blasBuild": built, "blas": blas_name(), "blasLibrary": loaded_blas(), "blasCore": openblas_core()}


def timed_generation(model, prompt, new_tokens):
    """One greedy generation as edge's `generateStreaming` times it: prefill, time to the first token
    (prefill + pick), then each cached one-token step (forward + pick), in ms."""
    with torch.no_grad():
        caches = [dict() for _ in model.blocks]
        t0 = time.perf_counter()
        logits = model(prompt, caches, 0)
        prefill = (time.perf_counter() - t0) * 1000
        token = logits[:, -1].argmax(-1, keepdim=True)
        first = (time.perf_counter() - t0) * 1000
        pos, steps, tokens = prompt.shape[1], [], [int(token)]
        for _ in range(min(new_tokens, model.c["contextLength"] - pos) - 1):
            t = time.perf_counter()
            logits = model(token, caches, pos)
            token = logits[:, -1].argmax(-1, keepdim=True)
            steps.append((time.perf_counter() - t) * 1000)
            tokens.append(int(token))
            pos += 1
        return prefill, first, steps, tokens


def percentile(values, q):
    """Linear interpolation between order statistics, as edge's `percentile`."""
    ordered = sorted(values)
    at = (len(ordered) - 1) * q
    low, high = math.floor(at), math.ceil(at)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def latency_main(args):
    config = json.loads(args[0])
    prompt_tokens, new_tokens, runs, warmup, threads = (int(a) for a in args[1:6])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as root:
        # Saved and timed back from disk, so load time and bytes on disk are those of a float PyTorch model.
        weights = os.path.join(root, "model.pt")
        torch.save(TinyTitan(config).state_dict(), weights)
        t0 = time.perf_counter()
        model = TinyTitan(config)
        model.load_state_dict(torch.load(weights))
        model.eval()
        load_ms = (time.perf_counter() - t0) * 1000
        bytes_on_disk = os.path.getsize(weights)
    prompt = torch.randint(0, config["vocabSize"], (1, prompt_tokens))
    for _ in range(warmup):
        timed_generation(model, prompt, new_tokens)
    prefills, firsts, steps = [], [], []
    for _ in range(runs):
        prefill, first, run_steps, tokens = timed_generation(model, prompt, new_tokens)
        prefills.append(prefill)
        firsts.append(first)
        steps.extend(run_steps)
    full = torch.cat([prompt, torch.tensor([tokens])], 1)[:, : config["contextLength"]]
    with torch.no_grad():
        model(full)
        forwards = []
        for _ in range(3):
            t = time.perf_counter()
            model(full)
            forwards.append((time.perf_counter() - t) * 1000)
    cpu = time.process_time()
    timed_generation(model, prompt, new_tokens)
    cpu_ms = (time.process_time() - cpu) * 1000
    print(json.dumps({
        "engine": f"PyTorch {torch.__version__} (threads {threads})", "loadMs": load_ms, "cpuMsPerRun": cpu_ms,
        "promptTokens": prompt_tokens, "generatedTokens": len(tokens),
        "promptTokensPerSecond": prompt_tokens / (percentile(prefills, 0.5) / 1000),
        "timeToFirstTokenMs": percentile(firsts, 0.5), "msPerTokenP50": percentile(steps, 0.5),
        "msPerTokenP95": percentile(steps, 0.95), "fullForwardMs": percentile(forwards, 0.5),
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "bytesOnDisk": bytes_on_disk,
        **blas_info(),
    }))


if __name__ == "__main__":
    if sys.argv[1] == "latency":
        latency_main(sys.argv[2:])
    else:
        main()
