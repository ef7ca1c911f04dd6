# crashing by a signal: the process sends itself SIGSEGV (runtime error, signal 11)
import os
import signal
print("about to crash", flush=True)
os.kill(os.getpid(), signal.SIGSEGV)
