// Row 25: binary output: every byte value, NUL bytes, invalid UTF-8 on stdout must come
// back intact (base64); valid UTF-8 with NUL and control characters on stderr must come
// back as the exact string; the JSON stays valid (the runner parses it strictly).
// args: --wall 5 --time 5
// timeout: 30
// expect: status == ok
// expect: stdout_encoding == base64
// expect: stdout_bytes == bytes(range(256)) + b"\x00\x00\xc3\x28\xff\xfe\xed\xa0\x80" + bytes(range(256))
// expect: stderr_encoding == utf-8
// expect: stderr_bytes == b"nul\x00ctl\x01\x1b[31m\x7f tab\t cr\r quote\" bs\\ u2028\xe2\x80\xa8 emoji\xf0\x9f\x98\x80 </script>\n"
// expect: stdout_truncated == false
#include <unistd.h>
int main(void) {
    unsigned char b[256];
    for (int i = 0; i < 256; i++) b[i] = (unsigned char)i;
    write(1, b, 256);
    write(1, "\x00\x00\xc3\x28\xff\xfe\xed\xa0\x80", 9);
    write(1, b, 256);
    static const char err[] = "nul\x00" "ctl\x01\x1b[31m\x7f tab\t cr\r quote\" bs\\ u2028\xe2\x80\xa8 emoji\xf0\x9f\x98\x80 </script>\n";
    write(2, err, sizeof err - 1);
    return 0;
}
