-- proctrace's JSON Lines (-j) from many hosts in ClickHouse, loaded as
-- they are written: each row's keys are the columns (proctrace --columns),
-- its detail object's keys are the detail.KEY columns, and host and
-- boot_id say where it comes from (ts_ns counts from the boot; pids repeat
-- across hosts). Integers are Int64, NULL where the row has none; flags
-- are 1, 0 where absent; argv is the array of arguments. The lost row's
-- per-kind counts (fork=, exec=, ...) are left out.
--
-- Load a file (the two settings map the detail object onto the detail.KEY
-- columns and skip the per-kind counts; ClickHouse 18.16, Debian 12's,
-- and later):
--   clickhouse-client --input_format_import_nested_json=1 \
--     --input_format_skip_unknown_fields=1 \
--     --query 'INSERT INTO proctrace.events FORMAT JSONEachRow' < events.jsonl
--
-- The column list is made from proctrace --columns
-- (tests/integration/clickhouse_sql.py PROCTRACE docs/clickhouse.sql
-- --write); make test checks that it still is, and loads two captures
-- this way.
CREATE DATABASE IF NOT EXISTS proctrace;

CREATE TABLE IF NOT EXISTS proctrace.events (
    host String,
    boot_id String,
    `ts_ns` Int64,
    `time` String,
    `event` String,
    `pid` Nullable(Int64),
    `tid` Nullable(Int64),
    `ppid` Nullable(Int64),
    `pgid` Nullable(Int64),
    `sid` Nullable(Int64),
    `uid` Nullable(Int64),
    `comm` Nullable(String),
    `by_pid` Nullable(Int64),
    `signal` Nullable(String),
    `exit_code` Nullable(Int64),
    `core_dumped` Nullable(Int64),
    `state` Nullable(String),
    `filename` Nullable(String),
    `argv` Array(String),
    `cpu_user_us` Nullable(Int64),
    `cpu_sys_us` Nullable(Int64),
    `maxrss_kb` Nullable(Int64),
    `minflt` Nullable(Int64),
    `majflt` Nullable(Int64),
    `nvcsw` Nullable(Int64),
    `nivcsw` Nullable(Int64),
    `inblock` Nullable(Int64),
    `oublock` Nullable(Int64),
    `children_cpu_user_us` Nullable(Int64),
    `children_cpu_sys_us` Nullable(Int64),
    `children_maxrss_kb` Nullable(Int64),
    `children_minflt` Nullable(Int64),
    `children_majflt` Nullable(Int64),
    `children_nvcsw` Nullable(Int64),
    `children_nivcsw` Nullable(Int64),
    `children_inblock` Nullable(Int64),
    `children_oublock` Nullable(Int64),
    `ns_pid` Nullable(Int64),
    `pidns` Nullable(Int64),
    `cgroup_id` Nullable(Int64),
    `detail.start_ns` Nullable(Int64),
    `detail.inferred` UInt8,
    `detail.command` UInt8,
    `detail.parent_tid` Nullable(Int64),
    `detail.creator_tid` Nullable(Int64),
    `detail.clone` Nullable(String),
    `detail.via` Nullable(String),
    `detail.argc` Nullable(Int64),
    `detail.args_size` Nullable(Int64),
    `detail.argv_truncated` UInt8,
    `detail.captured` Nullable(Int64),
    `detail.argv_unreadable` UInt8,
    `detail.path_truncated` UInt8,
    `detail.path_unreadable` UInt8,
    `detail.old_tid` Nullable(Int64),
    `detail.error` Nullable(String),
    `detail.no_return` UInt8,
    `detail.thread_exit` UInt8,
    `detail.last_thread_unknown` UInt8,
    `detail.sender_lost` UInt8,
    `detail.status` Nullable(Int64),
    `detail.cause` Nullable(String),
    `detail.age_ns` Nullable(Int64),
    `detail.at_exit` UInt8,
    `detail.reaped` Nullable(String),
    `detail.reaper` Nullable(String),
    `detail.reap_at` Nullable(String),
    `detail.zombie_ns` Nullable(Int64),
    `detail.reaper_tid` Nullable(Int64),
    `detail.reaper_comm` Nullable(String),
    `detail.unseen_from_ns` Nullable(Int64),
    `detail.result` Nullable(String),
    `detail.code` Nullable(Int64),
    `detail.code_name` Nullable(String),
    `detail.sender_tid` Nullable(Int64),
    `detail.sender_comm` Nullable(String),
    `detail.group` UInt8,
    `detail.sender` Nullable(String),
    `detail.old_sid` Nullable(Int64),
    `detail.old_pgid` Nullable(Int64),
    `detail.caller_tid` Nullable(Int64),
    `detail.caller_comm` Nullable(String),
    `detail.old_comm` Nullable(String),
    `detail.cpu` Nullable(Int64),
    `detail.prev_state` Nullable(String),
    `detail.prev_ns` Nullable(Int64),
    `detail.running_ns` Nullable(Int64),
    `detail.runnable_ns` Nullable(Int64),
    `detail.sleeping_ns` Nullable(Int64),
    `detail.disk_sleep_ns` Nullable(Int64),
    `detail.stopped_ns` Nullable(Int64),
    `detail.traced_ns` Nullable(Int64),
    `detail.switches` Nullable(Int64),
    `detail.rq_waits` Nullable(Int64),
    `detail.rq_p50_ns` Nullable(Int64),
    `detail.rq_p99_ns` Nullable(Int64),
    `detail.rq_max_ns` Nullable(Int64),
    `detail.repaired` Nullable(Int64),
    `detail.at_end` UInt8,
    `detail.old_ppid` Nullable(Int64),
    `detail.old_parent_tid` Nullable(Int64),
    `detail.old_parent_comm` Nullable(String),
    `detail.adopter` Nullable(String),
    `detail.adopter_tid` Nullable(Int64),
    `detail.adopter_comm` Nullable(String),
    `detail.cgroup` Nullable(String),
    `detail.cgroup_name` Nullable(String),
    `detail.memcg_id` Nullable(Int64),
    `detail.memcg` Nullable(String),
    `detail.lost` Nullable(Int64),
    `detail.rescan` Nullable(Int64),
    `detail.ended_unseen` Nullable(Int64),
    `detail.born_unseen` Nullable(Int64),
    `detail.since_ns` Nullable(Int64)
) ENGINE = MergeTree()
ORDER BY (host, boot_id, ts_ns);

-- Rows per host and kind, and how processes ended, per host:
--   SELECT host, event, count() FROM proctrace.events GROUP BY host, event;
--   SELECT host, exit_code, signal, count() FROM proctrace.events
--   WHERE event = 'exit' AND `detail.thread_exit` = 0
--   GROUP BY host, exit_code, signal;
