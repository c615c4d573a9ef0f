// Starts the worker as www/boot.js does and marks when the worker's answer is on this thread.
'use strict';
const mode = new URLSearchParams(location.search).get('m');
const worker = new Worker(`worker.js?m=${mode}`, { type: 'module' });
worker.onmessage = (e) => performance.mark('floor:answer', { detail: e.data });
