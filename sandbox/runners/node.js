// Stockade's Node runner: a notebook kernel that speaks the protocol of README.md.
//
// The keeper starts it as `/usr/bin/node -e <this file>` in a warm cell. It takes the
// request and reply pipes (fds 0 and 3) out of the user's way, says it is ready, and
// runs each request's code in the global scope of this one process, so that `var`,
// functions, globals and top-level `let`/`const` persist from request to request. The
// completion value of the code is the request's value; a promise is awaited first.
//
// Everything is inside one function: `node -e` runs its code as a script in the global
// scope, where the runner's own top-level names would collide with the user's.
(function () {
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const net = require('net');
const util = require('util');
const vm = require('vm');

const VALUE_MAX = 1 << 20;	// bytes of JSON for "value"; bigger values go by inspect
const REPR_MAX = 64 << 10;	// characters of "value_repr"
const TEXT_MAX = 64 << 10;	// characters of an exception's message and of its stack

const realExit = process.exit;

function die(why) {
	try {
		fs.writeSync(2, `stockade runner: ${why}\n`);
	} catch (e) {
		// nothing left to tell
	}
	realExit(2);
}

// --- Taking the pipes ----------------------------------------------------------------
//
// fd 0 must become /dev/null and the pipes must be close-on-exec, but Node has no
// dup(2), and reopening /proc/self/fd/N fails: the keeper (host root) owns the pipes.
// So a short-lived helper, started with fd 0 and fd 3 as its own fds 0 and 4, sends
// both back over the IPC channel (SCM_RIGHTS); what arrives are new descriptors,
// opened close-on-exec by libuv. The helper exits when the runner disconnects. Should
// this fail, the runner keeps fds 0 and 3 as they are: it still works, but user code
// could read the requests and children inherit both pipes.
const HELPER = `
const net = require('net');
process.on('message', () => {});	// keeps the IPC channel, and this process, alive
const send = (fd, next) => process.send(
	{ fd }, new net.Socket({ fd, readable: false, writable: false })._handle,
	(err) => err ? process.exit(1) : next());
send(0, () => send(4, () => {}));
`;

function takePipes(done) {
	let helper;
	const got = {};
	let finished = false;
	function finish(req, rep) {
		if (finished)
			return;
		finished = true;
		if (helper && helper.connected)
			helper.disconnect();
		done(req, rep);
	}
	function fallback() {
		if (finished)
			return;
		try {
			finish(new net.Socket({ fd: 0, readable: true, writable: false }),
			       new net.Socket({ fd: 3, readable: false, writable: true }));
		} catch (e) {
			die(`fds 0 and 3 must be the request and reply pipes (${e.message})`);
		}
	}
	try {
		helper = childProcess.spawn(process.execPath, ['-e', HELPER],
					    { stdio: [0, 'ignore', 'ignore', 'ipc', 3] });
	} catch (e) {
		return fallback();
	}
	helper.on('error', fallback);
	helper.on('exit', fallback);	// no-op once both have arrived
	helper.on('message', (msg, handle) => {
		if (!handle || (msg.fd !== 0 && msg.fd !== 4))
			return;
		got[msg.fd] = handle;
		if (!got[0] || !got[4])
			return;
		// The lowest free descriptor is 0. Like all libuv opens it is close-on-exec,
		// which is harmless: Node sets up every child's stdin itself.
		fs.closeSync(0);
		if (fs.openSync('/dev/null', 'r') !== 0)
			die('could not put /dev/null on fd 0');
		fs.closeSync(3);
		finish(new net.Socket({ handle: got[0], readable: true, writable: false }),
		       new net.Socket({ handle: got[4], readable: false, writable: true }));
	});
}

// --- User code must not end the runner -----------------------------------------------

// process.exit() ends the request with an exception (like Python's SystemExit), not
// the cell.
process.exit = function exit(code) {
	const e = new Error(`process.exit(${code === undefined ? '' : code}) was called`);
	e.name = 'ProcessExit';
	Error.captureStackTrace(e, exit);	// the stack starts at the caller
	throw e;
};

// Errors thrown by callbacks and rejections nobody handles are reported on stderr, as
// Node reports them, but the runner lives on.
process.on('uncaughtException', (err) => {
	try {
		process.stderr.write(`Uncaught ${inspect(err)}\n`);
	} catch (e) {
		// stderr is gone too
	}
});
process.on('unhandledRejection', (reason) => {
	try {
		process.stderr.write(`Uncaught (in promise) ${inspect(reason)}\n`);
	} catch (e) {
		// stderr is gone too
	}
});

// A SIGINT while user code runs synchronously is breakOnSigint's (which disables this
// listener meanwhile). While a promise is awaited it ends the wait; at any other time
// it is ignored. Having a listener at all is what keeps SIGINT from killing Node.
let interruptWait = null;
process.on('SIGINT', () => {
	if (interruptWait)
		interruptWait();
});

// --- Turning results into reply fields ---------------------------------------------

function inspect(v) {
	try {
		return util.inspect(v);
	} catch (e) {
		return `[value that util.inspect cannot show: ${e && e.message}]`;
	}
}

// `text` at most `cap` characters: the head and the tail survive, the middle gives way.
function cap(text, max) {
	if (text.length <= max)
		return text;
	const head = max >> 2;
	return text.slice(0, head) + `\n... [${text.length - max} characters cut] ...\n` +
	       text.slice(text.length - (max - head));
}

// Is `v` plain JSON data that JSON.stringify gives back unchanged, within VALUE_MAX
// bytes? No Maps, Dates, class instances, undefined, NaN, holes, toJSON or cycles: those
// would come back as something else, and util.inspect shows them as they are.
function isPlainJSON(v) {
	let budget = VALUE_MAX;
	const open = new Set();
	function walk(x, depth) {
		if (--budget < 0 || depth > 256)
			return false;
		switch (typeof x) {
		case 'string':
			budget -= x.length;
			// lone surrogates would reach the keeper as \ud800, which it rejects
			return x.isWellFormed ? x.isWellFormed() : !/[\ud800-\udfff]/.test(x);
		case 'number':
			budget -= 8;
			return Number.isFinite(x);
		case 'boolean':
			return true;
		case 'object':
			break;
		default:
			return false;
		}
		if (x === null)
			return true;
		if (open.has(x))
			return false;
		const proto = Object.getPrototypeOf(x);
		let ok = true;
		open.add(x);
		if (Array.isArray(x) && proto === Array.prototype) {
			for (let i = 0; ok && i < x.length; i++)
				ok = i in x && walk(x[i], depth + 1);
		} else if ((proto === Object.prototype || proto === null) &&
			   !('toJSON' in x)) {
			for (const k of Object.keys(x)) {
				budget -= k.length + 4;
				if (!(ok = walk(x[k], depth + 1)))
					break;
			}
		} else {
			ok = false;
		}
		open.delete(x);
		return ok;
	}
	return walk(v, 0);
}

// { value, value_repr }: JSON text for plain data, util.inspect for everything else.
function valueFields(v) {
	if (v === undefined || v === null)
		return { value: null, value_repr: null };
	try {
		if (isPlainJSON(v)) {
			const text = JSON.stringify(v);
			if (Buffer.byteLength(text) <= VALUE_MAX)
				return { value: text, value_repr: null };
		}
	} catch (e) {
		// a getter threw, or the nesting was too deep: show it instead
	}
	return { value: null, value_repr: cap(inspect(v), REPR_MAX) };
}

// The user's part of a stack: it ends where the runner's frames begin (vm, or the
// `-e` script itself). Node puts the source line of the throw above the stack; when
// that line is the runner's (process.exit above), it goes too.
function userStack(stack) {
	const lines = stack.replace(/^\[eval\]:\d+\n.*\n.*\n\n/, '').split('\n');
	const end = lines.findIndex((l) => /^\s+at .*(node:vm:|\[eval\])/.test(l));
	return (end < 0 ? lines : lines.slice(0, end)).join('\n');
}

function exceptionField(err) {
	let type;
	let message;
	let stack = '';
	try {
		if (err !== null && (typeof err === 'object' || typeof err === 'function')) {
			type = typeof err.name === 'string' && err.name ? err.name :
			       err.constructor && err.constructor.name || 'Object';
			message = typeof err.message === 'string' ? err.message : inspect(err);
			if (typeof err.stack === 'string')
				stack = userStack(err.stack);
		} else {
			type = typeof err;	// `throw 42`
			message = inspect(err);
		}
	} catch (e) {
		type = type || 'Error';
		message = message || '[the thrown value cannot be described]';
	}
	return { type: String(type), message: cap(String(message), TEXT_MAX),
		 traceback: cap(stack, TEXT_MAX) };
}

// --- Running a request -------------------------------------------------------------

let cells = 0;
const INTERRUPTED = Symbol('interrupted');

// Await a promise the user's code produced; a SIGINT ends the wait (the promise keeps
// running: there is no cancelling it).
function awaitValue(thenable) {
	return new Promise((resolve, reject) => {
		interruptWait = () => reject(INTERRUPTED);
		Promise.resolve(thenable).then(resolve, reject);
	}).finally(() => {
		interruptWait = null;
	});
}

function isThenable(v) {
	try {
		return v !== null && (typeof v === 'object' || typeof v === 'function') &&
		       typeof v.then === 'function';
	} catch (e) {
		return false;
	}
}

async function execute(source) {
	const reply = { status: 'ok', value: null, value_repr: null, exception: null,
			images: [], exit_code: 0 };
	const filename = `<cell ${++cells}>`;
	try {
		const script = new vm.Script(source, {
			filename,
			importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
		});
		let result = script.runInThisContext({ breakOnSigint: true, displayErrors: true });
		if (isThenable(result))
			result = await awaitValue(result);
		Object.assign(reply, valueFields(result));
	} catch (err) {
		reply.exit_code = 1;
		if (err === INTERRUPTED) {
			reply.status = 'interrupted';
			reply.exception = { type: 'Interrupted', traceback: '',
					    message: 'SIGINT while awaiting the value; the promise was not cancelled' };
		} else if (err && err.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') {
			reply.status = 'interrupted';
			reply.exception = { type: 'Interrupted', traceback: '',
					    message: 'SIGINT while the code ran' };
		} else {
			reply.status = 'error';
			reply.exception = exceptionField(err);
		}
	}
	return reply;
}

// The reply body; "value" is already JSON text.
function encode(reply) {
	const value = reply.value;
	const body = JSON.stringify(Object.assign({}, reply, { value: null }));
	if (value === null)
		return body;
	return body.replace('"value":null', () => `"value":${value}`);
}

// Resolves once what the user's code wrote to process.stdout/stderr is in the pipes:
// Node writes to a full pipe asynchronously.
function drained(stream) {
	return new Promise((resolve) => {
		if (!stream.writableLength || stream.destroyed)
			return resolve();
		const done = () => {
			stream.off('drain', done).off('close', done).off('error', done);
			resolve();
		};
		stream.on('drain', done).on('close', done).on('error', done);
	});
}

// --- The conversation --------------------------------------------------------------

takePipes((req, rep) => {
	let inbuf = Buffer.alloc(0);
	const queue = [];
	let busy = false;
	let eof = false;

	rep.on('error', () => realExit(0));	// the keeper is gone
	function send(body) {
		const data = Buffer.from(body, 'utf8');
		return new Promise((resolve) => {
			rep.write(Buffer.concat([Buffer.from(`${data.length}\n`), data]), resolve);
		});
	}

	// Frames are parsed as bytes arrive; requests are run one at a time, in order.
	function parse() {
		for (;;) {
			const nl = inbuf.subarray(0, 11).indexOf(10);
			if (nl < 0) {
				if (inbuf.length >= 11)
					die('request header is not a length');
				return;
			}
			const head = inbuf.subarray(0, nl).toString('latin1');
			if (!/^[0-9]{1,10}$/.test(head))
				die('request header is not a length');
			const n = Number(head);
			if (inbuf.length < nl + 1 + n)
				return;
			queue.push(inbuf.subarray(nl + 1, nl + 1 + n).toString('utf8'));
			inbuf = inbuf.subarray(nl + 1 + n);
		}
	}

	async function pump() {
		if (busy)
			return;
		busy = true;
		while (queue.length) {
			let body;
			try {
				const reply = await execute(queue.shift());
				await drained(process.stdout);
				await drained(process.stderr);
				body = encode(reply);
			} catch (e) {
				body = JSON.stringify({ status: 'error', value: null, value_repr: null,
					exception: exceptionField(e), images: [], exit_code: 1 });
			}
			await send(body);
		}
		busy = false;
		if (eof) {
			if (inbuf.length)
				die('end of file inside a request');
			realExit(0);
		}
	}

	req.on('data', (chunk) => {
		inbuf = inbuf.length ? Buffer.concat([inbuf, chunk]) : chunk;
		parse();
		pump();
	});
	req.on('end', () => {
		eof = true;
		pump();
	});
	req.on('error', () => realExit(0));

	send('{"ready": true}');
});
})();
