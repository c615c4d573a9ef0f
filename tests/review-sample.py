#!/usr/bin/env python3
"""Draw the blind-review sample of issue 16: 50 explanation texts (18 in Chinese, 32 in English,
at least one of each language per kind of handshake) from the CLI's JSON of the kinds captures,
a few more captures and two tool logs.

  tests/review-sample.py SEED [OUT.json]     # run from anywhere; needs target/debug/tls-lens
                                              # (or the binary TLS_LENS_BIN names)

Each item has the text, where it is (message, field, note, key schedule) and the handshake's
summary and model, for a reviewer to judge against the RFCs.
"""
import json, subprocess, random, os, sys
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
B=os.environ.get('TLS_LENS_BIN','./target/debug/tls-lens')
K='tests/data/kinds/'
inputs=[]
for f in sorted(os.listdir(K)):
    if f.endswith('.pcap'):
        n=f[:-5]; inputs.append((n, K+f, K+n+'.keylog'))
for n in ['tls13-hrr','tls12-rsa','tls12-dhe-rsa','tls13']:
    inputs.append((n,'tests/data/%s.pcap'%n,'tests/data/%s.keylog'%n))
inputs.append(('tls12-ecdhe-rsa-nokeys','tests/data/tls12-ecdhe-rsa.pcap',None))
# QUIC (with its key log) and DTLS 1.2, so that their texts are sampled too.
inputs.append(('quic-v1','tests/data/quic/v1-aes128.pcap','tests/data/quic/v1-aes128.keylog'))
inputs.append(('dtls12','tests/data/corpus/arkime/pcap/wireshark-dtls12.pcap',None))
inputs.append(('openssl-msg-tls13','tests/data/logs/openssl-msg-tls13.txt',None))
inputs.append(('curl-vvv-head','tests/data/corpus/seed/curl-vvv-head.txt',None))
items=[]; seen=set()
for kind,path,kl in inputs:
    if not os.path.exists(path): print('missing',path,file=sys.stderr); continue
    for lang in ('en','zh'):
        cmd=[B,'explain','--json','--lang',lang]+(['--keylog',kl] if kl and os.path.exists(kl) else [])+[path]
        d=json.loads(subprocess.run(cmd,capture_output=True,text=True).stdout)
        for c in d['connections']:
            s=c.get('summary',{}); h=c.get('handshake',{})
            ctx={'input':kind,'lang':lang,'conn':c['id'],'tcp_stream':c.get('tcp_stream'),
                 'summary':{k:s.get(k) for k in ('version','cipher_suite_name','key_exchange','resumed','sni','alpn')},
                 'handshake':h,'messages':[('%s%s'%(m['dir'] or '?',':'+m['name']))+(' (decrypted)' if m.get('decrypted') else '')+(' (encrypted)' if m.get('encrypted') else '') for m in c['messages']]}
            def add(where,text,extra=None):
                if not text or text in seen: return
                seen.add(text)
                items.append({'kind':kind,'lang':lang,'where':where,'text':text,'extra':extra,'ctx':ctx})
            for i,m in enumerate(c['messages']):
                add('message %d %s explanation'%(i,m['name']),m.get('explanation'),{'title':m.get('title')})
                def walk(fs,path):
                    for f in fs:
                        if f.get('note'): add('message %d %s field %s'%(i,m['name'],path+f['name']),f['note'],{'value':f['value']})
                        walk(f.get('children',[]),path+f['name']+'/')
                walk(m.get('fields',[]),'')
            for n in c.get('notes',[]): add('connection note (%s)'%n['severity'],n['text'])
            for k in c.get('key_schedule',[]) or []: add('key schedule %s'%k['name'],k.get('text'),{'values':[(v['name'],v.get('formula')) for v in k.get('values',[])],'protects':k.get('protects')})
rnd=random.Random(int(sys.argv[1]))
bykind={}
for it in items: bykind.setdefault((it['kind'],it['lang']),[]).append(it)
pick=[]
kinds=sorted({k for k,_ in bykind})
for k in kinds:
    for lang in ('en','zh'):
        L=bykind.get((k,lang),[])
        if L: pick.append(rnd.choice(L))
rnd.shuffle(pick)
zh=[p for p in pick if p['lang']=='zh'][:18]; en=[p for p in pick if p['lang']=='en'][:32]
rest=[it for it in items if it not in zh+en]
rnd.shuffle(rest)
for it in rest:
    if len(zh)<18 and it['lang']=='zh': zh.append(it)
    elif len(en)<32 and it['lang']=='en': en.append(it)
    if len(zh)>=18 and len(en)>=32: break
sample=zh+en; rnd.shuffle(sample)
for i,s in enumerate(sample): s['n']=i+1
json.dump(sample,open(sys.argv[2] if len(sys.argv) > 2 else 'review-sample.json','w'),ensure_ascii=False,indent=1)
print(len(items),'items;',len(kinds),'kinds; sample',len(sample),'zh',len(zh))
print(sorted({s['kind'] for s in sample}))
