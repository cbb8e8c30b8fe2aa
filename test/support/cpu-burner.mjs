// Preloaded into a test stack's processes with NODE_OPTIONS=--import: in an HTTP worker, SIGUSR2
// toggles a busy loop that keeps the main thread spinning 90 ms of every 100 ms. It stands for a
// CPU-heavy code path in the worker; the diagnosis sees only the worker's CPU, event-loop
// utilisation and delay, never this module. Anything but a cluster worker ignores it.
import cluster from 'node:cluster';

if (cluster.isWorker) {
  let timer;
  process.on('SIGUSR2', () => {
    if (timer) {
      clearInterval(timer);
      timer = undefined;
      return;
    }
    timer = setInterval(() => {
      const end = Date.now() + 90;
      let x = 0;
      while (Date.now() < end) x += Math.sqrt(x + 1);
      if (x < 0) console.log(x);
    }, 100);
  });
}
