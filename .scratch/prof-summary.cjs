const fs=require('fs');const p=JSON.parse(fs.readFileSync(process.argv[2]));
const byId=new Map(p.nodes.map(n=>[n.id,n]));const self=new Map();
const dt=p.timeDeltas;const total=(p.endTime-p.startTime)/1000;
for(let i=0;i<p.samples.length;i++){self.set(p.samples[i],(self.get(p.samples[i])||0)+(dt[i]||0));}
const fn=new Map(),file=new Map();
for(const [id,t] of self){const n=byId.get(id);const cf=n.callFrame;const k=`${cf.functionName||'(anon)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber}`;fn.set(k,(fn.get(k)||0)+t);
let f=cf.url.replace(/.*node_modules\//,'nm/').split('/').slice(0,3).join('/')||cf.functionName;file.set(f,(file.get(f)||0)+t);}
console.log('total ms',total.toFixed(0));
const top=(m,n)=>[...m].sort((a,b)=>b[1]-a[1]).slice(0,n).forEach(([k,v])=>console.log((v/1000).toFixed(0).padStart(7),k));
console.log('--by file');top(file,25);console.log('--by fn');top(fn,45);
