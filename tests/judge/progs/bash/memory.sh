# too hungry: a string that doubles until it is far beyond any limit (memory limit)
s=xxxxxxxxxxxxxxxx
for i in $(seq 26); do s=$s$s; done
echo ${#s}
