// too talkative: writes 64 MiB to stdout (output limit)
const fs = require('fs');
const block = '0123456789abcde\n'.repeat(4096);
for (let i = 0; i < 1024; i++) fs.writeSync(1, block);
