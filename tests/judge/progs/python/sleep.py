# sleeping: far beyond the wall limit, using no CPU (time limit, kind wall)
import time
time.sleep(120)
