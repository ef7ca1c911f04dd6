# too slow: burns CPU forever (time limit, kind cpu)
while :; do :; done
