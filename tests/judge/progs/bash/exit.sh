# crashing by a non-zero exit (runtime error, exit code 3)
echo bye
exit 3
