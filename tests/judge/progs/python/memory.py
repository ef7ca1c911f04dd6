# too hungry: allocates and touches 1 GiB in 1 MiB pieces (memory limit)
keep = []
for i in range(1024):
    keep.append(bytes([i % 255 + 1]) * (1 << 20))
