# too slow: burns CPU forever (time limit, kind cpu)
n = 0
while True:
    n += 1
