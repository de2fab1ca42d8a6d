"""Per layer, how well a digit position's residual still says which digit it is (Dump.java output).

    python3 sample-models/probe/residual_identity.py OUT MODEL_DIR "PROMPT"

Each digit position's residual, centred over the prompt's digit positions, is matched to the nearest
centred digit embedding ("centered-argmax acc"; chance 0.10). Needs numpy. The figures of
sample-models/README.md, "What was tried" 9."""
import numpy as np, json, struct, sys, glob, os
def load_st(p):
    b=open(p,'rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n]); out={}
    for k,v in h.items():
        if k=='__metadata__': continue
        s,e=v['data_offsets']; dt={'F32':np.float32,'F16':np.float16,'BF16':None}[v['dtype']]
        out[k]=np.frombuffer(b[8+n+s:8+n+e],dtype=dt).reshape(v['shape']).astype(np.float64)
    return out
d,model,P=sys.argv[1],sys.argv[2],sys.argv[3]
W=load_st(model+'/model.safetensors'); E=[v for k,v in W.items() if 'embed' in k][0]
ids=np.array([ord(c) for c in P]); T=len(ids)
dig=[i for i in range(T) if P[i].isdigit()]
digs=np.arange(48,58)
Ed=E[digs]; Edn=Ed/np.linalg.norm(Ed,axis=1,keepdims=True)
print('digit emb norms %.2f  letters %.2f'%(np.linalg.norm(Ed,axis=1).mean(), np.linalg.norm(E[97:123],axis=1).mean()))
files=sorted(glob.glob(d+'/L*_residual_out_*')+glob.glob(d+'/L*_mixer_in_*'), key=lambda f:(int(os.path.basename(f).split('_')[0][1:]), 'res' in f))
for f in files:
    h=np.fromfile(f,dtype='<f4').reshape(T,-1).astype(np.float64)
    hd=h[dig]; 
    # component along own embedding (projection coefficient) vs norm
    cos=(hd/np.linalg.norm(hd,axis=1,keepdims=True))@Edn.T   # (n,10)
    own=cos[np.arange(len(dig)),ids[dig]-48]
    # centered: remove mean over digit positions, to see identity info
    hc=hd-hd.mean(0); Edc=Ed-Ed.mean(0)
    sc=hc@Edc.T; acc=(sc.argmax(1)==ids[dig]-48).mean()
    # linear decodability: ridge from hd to one-hot (in-sample; crude)
    print('%-28s |h| %.2f  cos(own) %.3f  mean cos %.3f  centered-argmax acc %.2f'%(os.path.basename(f)[:24], np.linalg.norm(hd,axis=1).mean(), own.mean(), cos.mean(), acc))
