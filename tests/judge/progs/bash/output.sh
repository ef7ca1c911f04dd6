# too talkative: writes 64 MiB to stdout (output limit)
yes 0123456789abcde | head -c 67108864
