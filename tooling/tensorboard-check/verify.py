# Reads Agent Forge's TensorBoard event files with TensorBoard's own code (not ours) and compares
# every scalar with the run store's track.jsonl; then checks TensorBoard's CRC verification rejects
# a corrupted copy, and queries a real `tensorboard` server's HTTP API.
import glob, json, math, os, re, shutil, socket, subprocess, sys, time, urllib.request, urllib.parse
import numpy as np
import tensorboard
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.tensorflow_stub import pywrap_tensorflow, errors
print('tensorboard', tensorboard.__version__)
# usage: python3 verify.py <folder holding micro-run/ and synthetic/ run directories>
root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else '.')
def same(a, b):
    # JSON has no NaN/Infinity: the run store writes them as null, so null matches any non-finite value.
    if b is None: return not math.isfinite(float(a))
    a, b = float(a), float(np.float32(b))
    return (math.isnan(a) and math.isnan(b)) or a == b
checked = 0
for run in ['micro-run', 'synthetic']:
    metrics = [json.loads(l) for l in open(os.path.join(root, run, 'track.jsonl')) if '"type":"metric"' in l]
    for d in sorted(glob.glob(os.path.join(root, run, 'tensorboard', '*'))):
        acc = EventAccumulator(d, size_guidance={'scalars': 0}); acc.Reload()
        name = os.path.basename(d)
        mine = [m for m in metrics if (re.sub(r'[^A-Za-z0-9._-]', '_', m['phase']) or '_') == name]
        tags = acc.Tags()['scalars']
        want = sorted({m['name'] for m in mine})
        assert sorted(tags) == want, (name, tags, want)
        for tag in tags:
            got = [(e.step, e.value) for e in acc.Scalars(tag)]
            exp = [(m['step'], m['value']) for m in mine if m['name'] == tag]
            assert len(got) == len(exp), (name, tag, len(got), len(exp))
            for (gs, gv), (es, ev) in zip(got, exp):
                assert gs == es and same(gv, ev), (name, tag, gs, gv, es, ev)
            checked += len(got)
        print(f'{run}/{name}: {len(tags)} tags, {sum(len(acc.Scalars(t)) for t in tags)} scalars match track.jsonl')
print('scalars checked:', checked)
# CRC: flip one byte in a payload of a copy; TensorBoard's record reader must report data loss.
src = glob.glob(os.path.join(root, 'synthetic', 'tensorboard', 'forge-train', 'events.*'))[0]
bad = '/tmp/bad/events.out.tfevents.1.bad'; os.makedirs('/tmp/bad', exist_ok=True); shutil.copy(src, bad)
data = bytearray(open(bad, 'rb').read()); data[len(data) // 2] ^= 0x40; open(bad, 'wb').write(bytes(data))
reader = pywrap_tensorflow.PyRecordReader_New(bad.encode(), 0, b'', None)
n, lost = 0, False
try:
    while True:
        reader.GetNext(); n += 1
except errors.DataLossError as e:
    lost = True; print('corrupted copy: DataLossError after', n, 'records:', e)
except errors.OutOfRangeError:
    pass
assert lost, 'corruption not detected'
good = pywrap_tensorflow.PyRecordReader_New(src.encode(), 0, b'', None); m = 0
try:
    while True: good.GetNext(); m += 1
except errors.OutOfRangeError: pass
print('intact file: all', m, 'records pass the CRC check')
# A real TensorBoard server over the synthetic run.
port = 6123
p = subprocess.Popen([sys.executable, '-m', 'tensorboard.main', '--logdir', os.path.join(root, 'synthetic', 'tensorboard'), '--port', str(port), '--bind_all'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
try:
    for _ in range(60):
        try:
            runs = json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}/data/plugin/scalars/tags')); 
            if runs: break
        except Exception: time.sleep(1)
    print('server tags:', json.dumps(runs, ensure_ascii=False)[:300])
    q = urllib.parse.urlencode({'run': 'forge-train', 'tag': 'grad_norm'})
    series = json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}/data/plugin/scalars/scalars?{q}'))
    print('server forge-train/grad_norm points:', len(series), 'first', series[0], 'last', series[-1])
    assert len(series) == 500 and series[-1][1] == 499 and abs(series[-1][2] - math.sin(49.9)) < 1e-6
    print('TENSORBOARD SERVER OK')
finally:
    p.terminate()
print('ALL OK')
