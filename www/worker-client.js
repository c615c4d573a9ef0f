// The page's side of the worker protocol (worker.js), shared by the page (app.js) and the
// <tls-lens> element (tls-lens.js): each request carries an id; the worker answers it once
// ({ id, result } or { id, error, fatal }), after any number of { id, progress: [done, total] }.
// A request that fails with `fatal` set (the core trapped, or the worker died) leaves the worker
// unusable: the caller replaces it.
// Also the reader's language as the browser states it.

/** 'zh' when the browser lists a Chinese language, else 'en'. */
// The first four bytes of a pcap file (either byte order, micro- or nanosecond timestamps) and
// of a pcapng file: the page must know a capture file before the core has read it, to list its
// connections instead of explaining it whole. The same values as src/wire.rs's PCAP_MAGICS and
// PCAPNG_MAGIC (tests/page_facts.rs checks that they agree).
const CAPTURE_MAGICS = ['d4c3b2a1', 'a1b2c3d4', '4d3cb2a1', 'a1b23c4d', '0a0d0d0a'];

/** Whether `b` (a Uint8Array) starts like a pcap or pcapng file. */
export function isCaptureFile(b) {
  const m = b.length >= 4 ? [...b.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join('') : '';
  return CAPTURE_MAGICS.includes(m);
}

export function browserLang() {
  const langs = (typeof navigator !== 'undefined' && (navigator.languages || [navigator.language])) || [];
  return langs.some((l) => /^zh\b/i.test(l || '')) ? 'zh' : 'en';
}

export class WorkerClient {
  /** `worker`: a started Worker; this client takes over its message and error handlers. */
  constructor(worker) {
    this.worker = worker;
    this.seq = 0;
    this.pending = new Map();
    worker.onmessage = (e) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      if (e.data.progress) {
        if (p.onProgress) p.onProgress(e.data.progress[0], e.data.progress[1]);
        return;
      }
      this.pending.delete(e.data.id);
      if (e.data.error !== undefined) p.reject(Object.assign(new Error(e.data.error), { fatal: !!e.data.fatal }));
      else p.resolve(e.data);
    };
    // The worker itself failed (a script error, or it ran out of memory): it is of no more use.
    worker.onerror = (e) => {
      e.preventDefault();
      this.dead = true;
      this.failAll(Object.assign(new Error(e.message || 'worker failed'), { fatal: true }));
    };
  }

  /** The id the next request will carry. */
  nextId() {
    return ++this.seq;
  }

  /** Send `msg` (with `msg.id` from nextId, or a new one); resolves with the worker's answer. */
  request(msg, onProgress = null) {
    if (msg.id === undefined) msg.id = this.nextId();
    return new Promise((resolve, reject) => {
      this.pending.set(msg.id, { resolve, reject, onProgress });
      this.worker.postMessage(msg);
    });
  }

  /** Reject every request still waiting. */
  failAll(err) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** Stop the worker; waiting requests fail with `err`. */
  terminate(err) {
    this.worker.terminate();
    this.failAll(err);
  }
}
