# sleeping: far beyond the wall limit, using no CPU (time limit, kind wall)
sleep 120
