#!/usr/bin/env python3
# One line per JSON of run.sh: probe, decode (median, runs), prefill pp512 / pp2048 (median, runs).
import json, sys, glob, os
d0 = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
order = lambda f: (f.split('-r')[-1], f)
for f in sorted(glob.glob(os.path.join(d0, '*.json')), key=order):
    d = json.load(open(f)); h = d['hardware']; dec = d['decode']; pp = d['prefill']
    beside = ' beside %s ratios %s' % ([round(x, 1) for x in dec['runs_read_gb_per_s']], [round(x, 2) for x in dec['runs_ratio_to_roofline']]) if 'runs_read_gb_per_s' in dec else ''
    print('%-17s read %5.1f GB/s (1/2/4 streams %s) FMA %5.1f | decode %6.1f tok/s (%.2f) %s%s | pp512 %6.1f %s | pp2048 %6.1f %s' % (
        os.path.basename(f)[:-5], h['read_gb_per_s'], '/'.join('%.1f' % v for v in h['read_gb_per_s_by_streams'].values()) if 'read_gb_per_s_by_streams' in h else '-',
        h['fma_gflops'], dec['tokens_per_s'], dec['ratio_to_roofline'], [round(x, 1) for x in dec['runs_tokens_per_s']], beside,
        pp[0]['tokens_per_s'], [round(x) for x in pp[0]['runs_tokens_per_s']], pp[1]['tokens_per_s'], [round(x) for x in pp[1]['runs_tokens_per_s']]))
