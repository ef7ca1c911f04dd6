// too slow: burns CPU forever (time limit, kind cpu)
let n = 0;
for (;;) n++;
