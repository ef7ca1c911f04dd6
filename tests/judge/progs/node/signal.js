// crashing by a signal: the process sends itself SIGSEGV (runtime error, signal 11)
console.log('about to crash');
process.kill(process.pid, 'SIGSEGV');
setTimeout(() => {}, 10000); // in case the signal were caught: would end at the wall limit
