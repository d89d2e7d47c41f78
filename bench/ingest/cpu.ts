/**
 * CPU time a server process has used (user + system, from /proc): on a shared, loaded machine the
 * CPU a node spends per landed transaction is a steadier figure than transactions per second.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Seconds of CPU `pid` has used so far (Linux: fields 14 and 15 of /proc/<pid>/stat, in ticks). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The direct children of this process (a node spawned by TestDevnet, anvil). */
export function childPids(): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    const children = readFileSync(`/proc/${process.pid}/task/${task}/children`, "utf8").trim();
    if (children !== "") pids.push(...children.split(" ").map(Number));
  }
  return pids;
}
