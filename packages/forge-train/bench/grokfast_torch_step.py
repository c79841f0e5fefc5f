"""PyTorch's time for one training step of the Grokfast reproduction's setting, to put beside ours.

The model is the reference's decoder as read for issue 23 (ironjr/grokfast main.py): token and learned
position embeddings, blocks of x = ln_1(x); x = x + attn(x) (causal, torch's MultiheadAttention);
x = x + mlp(ln_2(x)) with a GELU MLP x4, a final LayerNorm and an untied head, sequence-first as the
reference lays it out; cross-entropy on the answer position only; Adam lr 1e-3, betas (0.9, 0.98).
Batch 512 of x*y mod 97 equations, and a validation forward over the held-out half (4,704 rows) in
chunks of 2,048, as ours. Prints one JSON line.

    python3 grokfast_torch_step.py [threads] [steps]
"""
import json
import sys
import time

import torch
from torch import nn

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 1
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 40
P, WIDTH, HEADS, LAYERS, BATCH, VALIDATION = 97, 128, 4, 2, 512, 4704
torch.set_num_threads(THREADS)
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(WIDTH)
        self.ln_2 = nn.LayerNorm(WIDTH)
        self.attn = nn.MultiheadAttention(WIDTH, HEADS)
        self.mlp = nn.Sequential(nn.Linear(WIDTH, 4 * WIDTH), nn.GELU(), nn.Linear(4 * WIDTH, WIDTH))

    def forward(self, x):
        mask = torch.full((len(x), len(x)), -float("inf"), device=x.device).triu(1)
        x = self.ln_1(x)
        attended, _ = self.attn(x, x, x, attn_mask=mask, need_weights=False)
        x = x + attended
        return x + self.mlp(self.ln_2(x))


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = nn.Embedding(P + 2, WIDTH)
        self.positions = nn.Embedding(5, WIDTH)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.ln_f = nn.LayerNorm(WIDTH)
        self.head = nn.Linear(WIDTH, P + 2, bias=False)

    def forward(self, x):  # x: [T, B]
        h = self.tokens(x) + self.positions(torch.arange(x.shape[0]))[:, None, :]
        for block in self.blocks:
            h = block(h)
        return self.head(self.ln_f(h))


def equations(rows):
    a = torch.randint(0, P, (rows,))
    b = torch.randint(1, P, (rows,))
    tokens = torch.stack([a, torch.full_like(a, P), b, torch.full_like(a, P + 1)])
    return tokens, (a * b) % P


model = Decoder()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.98))
train_inputs, train_answers = equations(BATCH)
held_inputs, _ = equations(VALIDATION)


def train_step():
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(train_inputs)[-1], train_answers)
    loss.backward()
    optimizer.step()


def validate():
    with torch.no_grad():
        for start in range(0, VALIDATION, 2048):
            model(held_inputs[:, start : start + 2048])[-1].argmax(-1)


for _ in range(5):
    train_step()
started = time.perf_counter()
for _ in range(STEPS):
    train_step()
train_ms = (time.perf_counter() - started) * 1000 / STEPS
started = time.perf_counter()
for _ in range(4):
    validate()
validation_ms = (time.perf_counter() - started) * 1000 / 4
print(json.dumps({"torch": torch.__version__, "threads": THREADS, "trainMs": train_ms, "validationMs": validation_ms}))
