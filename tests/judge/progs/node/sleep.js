// sleeping: far beyond the wall limit, using no CPU (time limit, kind wall)
setTimeout(() => {}, 120000);
