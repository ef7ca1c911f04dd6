# crashing by a signal: the shell sends itself SIGSEGV (runtime error, signal 11)
echo about to crash
kill -SEGV $$
sleep 10
