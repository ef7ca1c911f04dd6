// crashing by a non-zero exit (runtime error, exit code 3)
console.log('bye');
process.exit(3);
