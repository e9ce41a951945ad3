/**
 * Progress of a long run on stderr: a bar (cli-progress) on a terminal, a plain
 * line every tenth of the way otherwise (CI logs). Nothing for one step.
 */
import cliProgress from 'cli-progress';

export function tileProgress(label: string): { update: (done: number, total: number) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined;
  let lastTenth = -1;
  return {
    update: (done, total) => {
      if (total <= 1) return;
      if (process.stderr.isTTY) {
        if (!bar) {
          bar = new cliProgress.SingleBar({ format: `basalt: ${label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
          bar.start(total, 0);
        }
        bar.update(done);
        return;
      }
      const tenth = Math.floor((10 * done) / total);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`basalt: ${label} ${done}/${total}\n`);
      }
    },
    stop: () => bar?.stop(),
  };
}
