-- The questions people trace to answer, on a database made by
-- `proctrace --db trace.db` (live or --replay). Each query is named by the
-- comment line before it; :pid and :pgid are parameters:
--
--   sqlite3 trace.db '.param set :pid 4242' '.read docs/queries.sql'
--
-- or one at a time from Python: sqlite3.connect("trace.db").execute(sql,
-- {"pid": 4242}). Times are nanoseconds (CLOCK_BOOTTIME), CPU times
-- microseconds, memory KiB. docs/database.md says what every column means.

-- name: failed_commands
-- Processes that exited with a non-zero code or were killed by a signal,
-- with what they ran.
SELECT pid, ppid, comm, filename, argv, exit_code, signal, cause
FROM processes
WHERE exit_code <> 0 OR signal IS NOT NULL
ORDER BY exit_ns;

-- name: killers_and_victims
-- Who ended whom with a signal: the sender of the fatal signal (killer)
-- and the process it ended (victim).
SELECT killer_pid, killer_comm, pid AS victim_pid, comm AS victim_comm, signal
FROM processes
WHERE killer_pid IS NOT NULL
ORDER BY exit_ns;

-- name: zombie_time_by_parent
-- How long each parent left its children as zombies before reaping them.
SELECT reaper_pid AS parent_pid, reaper_comm AS parent_comm,
       count(*) AS children, sum(zombie_ns) AS zombie_ns_total,
       max(zombie_ns) AS zombie_ns_max
FROM processes
WHERE zombie_ns IS NOT NULL AND reaper_pid IS NOT NULL
GROUP BY reaper_pid, reaper_comm
ORDER BY zombie_ns_total DESC;

-- name: process_tree
-- The processes :pid made, and theirs (by the parent at birth, so that
-- orphans stay in the tree), each with its depth below :pid. A pid used
-- again later is another process: children are those born while their
-- parent lived.
WITH RECURSIVE tree(pid, start_ns, end_ns, depth) AS (
  SELECT pid, start_ns, end_ns, 0 FROM processes WHERE pid = :pid
  UNION ALL
  SELECT c.pid, c.start_ns, c.end_ns, t.depth + 1
  FROM processes AS c JOIN tree AS t ON c.birth_ppid = t.pid
  WHERE c.start_ns >= t.start_ns AND (t.end_ns IS NULL OR c.start_ns <= t.end_ns)
)
SELECT t.depth, p.pid, p.birth_ppid, p.comm, p.exit_code, p.signal
FROM tree AS t JOIN processes AS p USING (pid, start_ns)
ORDER BY p.start_ns, p.pid;

-- name: cpu_and_memory_by_command
-- CPU time and peak memory per command name, over the processes whose
-- exit was seen: each process's own time (its usage columns less their
-- children_ part, which its reaped children's rows count themselves).
SELECT comm, count(*) AS processes,
       sum(cpu_user_us - children_cpu_user_us) AS cpu_user_us,
       sum(cpu_sys_us - children_cpu_sys_us) AS cpu_sys_us, max(maxrss_kb) AS maxrss_kb
FROM processes
WHERE cpu_user_us IS NOT NULL
GROUP BY comm
ORDER BY cpu_user_us + cpu_sys_us DESC, comm;

-- name: time_per_sched_state
-- Where each process's time went (a capture made with --sched).
SELECT pid, comm, running_ns, runnable_ns, sleeping_ns, disk_sleep_ns,
       stopped_ns, traced_ns, switches
FROM processes
WHERE running_ns IS NOT NULL
ORDER BY running_ns DESC;

-- name: run_queue_latency
-- How long processes waited for a CPU (a capture made with --sched).
SELECT pid, comm, rq_waits, rq_p50_ns, rq_p99_ns, rq_max_ns
FROM processes
WHERE rq_waits > 0
ORDER BY rq_p99_ns DESC;

-- name: pgid_activity
-- What process group :pgid did, in time order.
SELECT ts_ns, time, event, pid, comm, by_pid, signal, exit_code, filename
FROM events
WHERE pgid = :pgid
ORDER BY ts_ns;
