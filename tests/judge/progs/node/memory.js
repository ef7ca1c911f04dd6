// too hungry: allocates and touches 1 GiB in 1 MiB pieces (memory limit)
const keep = [];
for (let i = 0; i < 1024; i++) keep.push(Buffer.alloc(1 << 20, (i % 255) + 1));
