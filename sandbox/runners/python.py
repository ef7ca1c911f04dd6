# Stockade's Python runner: a notebook kernel that speaks the protocol of README.md.
#
# The keeper starts it as `/usr/bin/python3 -I -c <this file>` in a warm cell. It takes
# the request and reply pipes (fds 0 and 3) out of the user's way, imports the usual
# data libraries once so that sessions don't pay for them, says it is ready, and then
# runs each request's code in one namespace that lives as long as the cell, the way a
# notebook does: the value of a trailing expression is returned, matplotlib figures are
# returned as PNG images, and an exception or an interrupt ends the request, never the
# runner.
#
# Everything the user's code prints goes straight to fds 1 and 2, which the keeper reads
# for the whole life of the cell; a subprocess's output lands there too.

import signal

# Until the handler below is installed, a SIGINT must not kill the cell mid start-up.
signal.signal(signal.SIGINT, signal.SIG_IGN)

import ast
import base64
import builtins
import fcntl
import io
import json
import linecache
import os
import sys
import traceback
import types
import warnings

VALUE_MAX = 1 << 20  # bytes of JSON for "value"; bigger values go by repr
REPR_MAX = 64 << 10  # characters of "value_repr"
TEXT_MAX = 64 << 10  # characters of an exception's message and of its traceback
CELLS_KEPT = 1000  # cells whose source tracebacks can still quote
IMAGES_MAX = 16  # figures returned per request
IMAGE_MAX = 8 << 20  # bytes of one PNG; a bigger figure is skipped
REPLY_MAX = 16 << 20  # bytes of a reply body; images that don't fit are dropped

# The runner's own globals: frames running in them are the runner's, not the user's.
_G = globals()


def _die(why):
    """A broken pipe protocol means the keeper is gone or confused: leave."""
    os.write(2, ("stockade runner: %s\n" % why).encode())
    os._exit(2)


# Requests and replies move to high, close-on-exec descriptors, so that no child
# inherits them and user code that works with small fd numbers never meets them; the
# user's stdin is /dev/null.
def _take_pipes():
    low = max(10, min(os.sysconf("SC_OPEN_MAX"), 1024) - 16)
    try:
        req = fcntl.fcntl(0, fcntl.F_DUPFD_CLOEXEC, low)
        rep = fcntl.fcntl(3, fcntl.F_DUPFD_CLOEXEC, low)
    except OSError as e:
        _die("fds 0 and 3 must be the request and reply pipes (%s)" % e)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # inheritable, unlike `null`
    os.close(null)
    os.close(3)
    return req, rep


_REQ, _REP = _take_pipes()
_PID = os.getpid()

# A pipe makes stdout block-buffered; line buffering keeps the user's prints in order
# with what subprocesses write to the same pipe. (stderr is line-buffered already.)
try:
    sys.stdout.reconfigure(line_buffering=True)
except Exception:
    pass

# Preloaded for the user; any of them may be missing or broken in this image, and the
# runner works without them.
for _name in ("numpy", "pandas"):
    try:
        __import__(_name)
    except Exception:
        pass
try:
    import matplotlib
    matplotlib.use("Agg")  # before pyplot: figures render to PNG, no display
    import matplotlib.pyplot
except Exception:
    pass
# plt.show() does nothing under Agg (the figures are returned after the request); say
# nothing about it either.
warnings.filterwarnings(
    "ignore", category=UserWarning,
    message=r".*(non-GUI backend|is non-interactive, and thus cannot be shown)")

# The user's code runs as the module __main__, as `python3 main.py` would run it: pickle
# finds its classes, and `if __name__ == "__main__":` holds.
_user_main = types.ModuleType("__main__")
_user_main.__builtins__ = builtins
_NS = _user_main.__dict__
_runner_main = sys.modules["__main__"]  # keeps the runner's module (and _G) alive
sys.modules["__main__"] = _user_main
# Like the script's own directory on the cold path: the user's files are importable.
sys.path.insert(0, os.getcwd())


# --- SIGINT ---------------------------------------------------------------------
#
# One handler for the runner's whole life instead of swapping SIG_IGN and
# default_int_handler: it raises KeyboardInterrupt only while user code runs (_armed),
# and only in a frame that is not the runner's own, so an interrupt can never land in
# the middle of reading or writing a frame. A SIGINT that comes while the runner is
# idle, or in the instant after the user's code has returned, is dropped. Child
# processes still get the default action: exec resets caught signals.
_armed = False


def _on_sigint(signum, frame):
    if _armed and (frame is None or frame.f_globals is not _G):
        raise KeyboardInterrupt


signal.signal(signal.SIGINT, _on_sigint)


# --- Frames ---------------------------------------------------------------------
_inbuf = bytearray()


def _fill(want):
    """Read until _inbuf holds `want` bytes; False at end of file."""
    while len(_inbuf) < want:
        chunk = os.read(_REQ, max(65536, min(want - len(_inbuf), 1 << 20)))
        if not chunk:
            return False
        _inbuf.extend(chunk)
    return True


def _read_frame():
    """The next request's body, or None at end of file."""
    while True:
        nl = _inbuf.find(b"\n", 0, 11)
        if nl >= 0:
            break
        if len(_inbuf) >= 11:
            _die("request header is not a length")
        if not _fill(len(_inbuf) + 1):
            if _inbuf:
                _die("end of file inside a request")
            return None
    head = bytes(_inbuf[:nl])
    if not head.isdigit():
        _die("request header is not a length")
    n = int(head)
    del _inbuf[:nl + 1]
    if not _fill(n):
        _die("end of file inside a request")
    body = bytes(_inbuf[:n])
    del _inbuf[:n]
    return body


def _write_frame(body):
    data = b"%d\n%s" % (len(body), body)
    view = memoryview(data)
    while view:
        view = view[os.write(_REP, view):]


# --- Turning results into reply fields -------------------------------------------

def _clean(text, cap):
    """`text` as valid UTF-8 (the keeper's parser rejects lone surrogates), at most
    `cap` characters: the head and the tail survive, the middle gives way."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) <= cap:
        return text
    head = cap // 4
    cut = "\n... [%d characters cut] ...\n" % (len(text) - cap)
    return text[:head] + cut + text[len(text) - (cap - head):]


def _safe_repr(value):
    try:
        return repr(value)
    except Exception as e:
        return "<%s object; repr() failed: %s: %s>" % (
            type(value).__name__, type(e).__name__, e)


def _value_fields(value):
    """(JSON text for "value", text for "value_repr"): one of them is None.

    JSON when json.dumps takes the value as it is (no NaN, no lone surrogates) within
    VALUE_MAX bytes; a container too long to possibly fit skips the attempt."""
    if value is None:
        return None, None
    too_long = isinstance(value, (list, tuple, dict)) and len(value) > VALUE_MAX // 2
    if not too_long:
        try:
            text = json.dumps(value, allow_nan=False, ensure_ascii=False)
            if len(text.encode("utf-8")) <= VALUE_MAX:
                return text, None
        except Exception:
            pass
    if isinstance(value, (list, tuple, dict, set, frozenset)) and len(value) > REPR_MAX:
        # repr() of a huge container would build megabytes only to cut them.
        import reprlib
        r = reprlib.Repr()
        r.maxlevel = 4
        r.maxlist = r.maxtuple = r.maxdict = r.maxset = r.maxfrozenset = 4096
        r.maxstring = r.maxother = REPR_MAX
        return None, _clean(r.repr(value), REPR_MAX)
    return None, _clean(_safe_repr(value), REPR_MAX)


def _type_name(exc):
    t = type(exc)
    if t.__module__ == "builtins":
        return t.__qualname__
    return "%s.%s" % (t.__module__, t.__qualname__)


def _user_tb(tb):
    """The part of a traceback that is the user's: from the first frame of a cell, or,
    when no cell is on it (a library's __repr__ failed), past the runner's frames."""
    t = tb
    while t is not None and not t.tb_frame.f_code.co_filename.startswith("<cell "):
        t = t.tb_next
    if t is not None:
        return t
    while tb is not None and tb.tb_frame.f_globals is _G:
        tb = tb.tb_next
    return tb


def _exception_field(exc, with_tb=True):
    try:
        message = str(exc)
    except Exception:
        message = "<exception str() failed>"
    try:
        if with_tb:
            lines = traceback.format_exception(type(exc), exc, _user_tb(exc.__traceback__))
        else:  # a syntax error: the caret is the whole story
            lines = traceback.format_exception_only(type(exc), exc)
        tb_text = "".join(lines)
    except Exception as e:
        tb_text = "<traceback could not be formatted: %s>" % _safe_repr(e)
    return {"type": _type_name(exc), "message": _clean(message, TEXT_MAX),
        "traceback": _clean(tb_text, TEXT_MAX)}


def _figures():
    """Every open matplotlib figure as base64 PNG (at most IMAGES_MAX, each at most
    IMAGE_MAX bytes), then all of them closed, as a notebook's inline backend does."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return []
    images = []
    try:
        for num in plt.get_fignums():
            if len(images) >= IMAGES_MAX:
                break
            try:
                buf = io.BytesIO()
                plt.figure(num).savefig(buf, format="png")
            except Exception as e:
                print("matplotlib: figure %s could not be drawn: %s: %s"
                      % (num, type(e).__name__, e), file=sys.stderr)
                continue
            png = buf.getvalue()
            if len(png) <= IMAGE_MAX:
                images.append(base64.b64encode(png).decode("ascii"))
    finally:
        try:
            plt.close("all")
        except Exception:
            pass
    return images


def _mend_stdin():
    """site's exit() closes sys.stdin: the next request's input() should still get
    EOFError from /dev/null, not ValueError from a closed file."""
    if sys.stdin is None or sys.stdin.closed:
        try:
            sys.stdin = open(0, closefd=False)
        except OSError:
            pass


def _flush():
    for f in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            f.flush()
        except Exception:
            pass


# --- Running a request ----------------------------------------------------------
_cells = 0
_loop = None  # the event loop for top-level `await`, kept across requests like state


def _evaluate(code):
    global _loop
    result = eval(code, _NS)
    if code.co_flags & 0x80:  # CO_COROUTINE: the cell awaits at top level
        import asyncio
        if _loop is None or _loop.is_closed():
            _loop = asyncio.new_event_loop()
            asyncio.set_event_loop(_loop)
        task = _loop.create_task(result)
        try:
            result = _loop.run_until_complete(task)
        except BaseException:
            task.cancel()  # delivered the next time the loop runs
            raise
    return result


def _run_user(body_code, last_code):
    """Run the user's code with interrupts armed: (value fields, exception).

    The value's JSON or repr is made here too, since a __repr__ is user code that may
    loop. A KeyboardInterrupt raised in the instant after the user's code returned is
    caught by the outer try, so it cannot escape into the runner."""
    global _armed
    fields = (None, None)
    try:
        try:
            _armed = True
            _evaluate(body_code)
            if last_code is not None:
                fields = _value_fields(_evaluate(last_code))
        finally:
            _armed = False
    except BaseException as e:
        _armed = False
        return (None, None), e
    return fields, None


def _execute(source):
    """Run one request: (reply fields, the value's JSON text or None)."""
    global _cells
    reply = {"status": "ok", "value_repr": None, "exception": None, "exit_code": 0}
    _cells += 1
    filename = "<cell %d>" % _cells
    try:
        text = source.decode("utf-8")
        # Tracebacks and inspect.getsource() find the cell's lines here: the last
        # CELLS_KEPT cells' sources, not every one, or a busy session's runner grows
        # by a cell's source per execution until its memory limit, and the garbage
        # collector's full passes over them stall an execution for tens of ms.
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        linecache.cache.pop("<cell %d>" % (_cells - CELLS_KEPT), None)
        tree = ast.parse(text, filename)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        body_code = compile(tree, filename, "exec", flags, dont_inherit=True)
        last_code = last and compile(last, filename, "eval", flags, dont_inherit=True)
    except Exception as e:
        # SyntaxError, or not UTF-8, or a NUL byte, or nested too deep: the code never
        # ran, and the parser's caret says more than a traceback would.
        reply.update(status="error", exit_code=1, exception=_exception_field(e, False))
        return reply, None

    # User code may have replaced the handler; each request starts with the runner's.
    signal.signal(signal.SIGINT, _on_sigint)
    (value_json, reply["value_repr"]), exc = _run_user(body_code, last_code)
    if exc is not None:
        interrupted = isinstance(exc, KeyboardInterrupt)
        reply.update(status="interrupted" if interrupted else "error", exit_code=1,
                     exception=_exception_field(exc))
    return reply, value_json


def _dumps(obj):
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def _encode(reply, value_json, images):
    """The reply body, with as many images as fit under REPLY_MAX."""
    head = b'{"status": %s, "value": %s, "value_repr": %s, "exception": %s, ' % (
        _dumps(reply["status"]),
        value_json.encode("utf-8") if value_json is not None else b"null",
        _dumps(reply["value_repr"]), _dumps(reply["exception"]))
    tail = b'], "exit_code": %d}' % reply["exit_code"]
    room = REPLY_MAX - len(head) - len(tail) - len(b'"images": [')
    kept = []
    for img in images:
        if len(img) + 4 <= room:  # quotes and ", "
            room -= len(img) + 4
            kept.append(b'"%s"' % img.encode("ascii"))
    return head + b'"images": [' + b", ".join(kept) + tail


def _main():
    while True:
        body = _read_frame()
        if body is None:
            break
        reply, value_json = _execute(body)
        if os.getpid() != _PID:
            # The user's code forked and this is the child coming back: it must not
            # answer the keeper. It ends as a script would have.
            _flush()
            os._exit(reply["exit_code"])
        images = _figures()
        _mend_stdin()
        _flush()
        _write_frame(_encode(reply, value_json, images))
    _flush()


_write_frame(b'{"ready": true}')
_main()
os._exit(0)
