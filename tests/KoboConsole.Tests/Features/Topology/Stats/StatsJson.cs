namespace KoboConsole.Tests.Features.Topology.Stats;

/// <summary>Docker's stats answers as engines send them.</summary>
internal static class StatsJson
{
    /// <summary>Docker 20.10 on cgroup v1, <c>stream=false</c> (with Docker's previous read), a busybox busy loop.</summary>
    public const string CgroupV1 = """
        {"read":"2026-12-07T20:26:03.828180478Z","preread":"2026-12-07T20:26:02.812821223Z","pids_stats":{"current":1},"blkio_stats":{"io_service_bytes_recursive":[],"io_serviced_recursive":[],"io_queue_recursive":[],"io_service_time_recursive":[],"io_wait_time_recursive":[],"io_merged_recursive":[],"io_time_recursive":[],"sectors_recursive":[]},"num_procs":0,"storage_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":2127565058,"percpu_usage":[2125024415,2540643],"usage_in_kernelmode":20000000,"usage_in_usermode":2100000000},"system_cpu_usage":508080000000,"online_cpus":2,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"precpu_stats":{"cpu_usage":{"total_usage":1458171931,"percpu_usage":[1455631288,2540643],"usage_in_kernelmode":20000000,"usage_in_usermode":1430000000},"system_cpu_usage":506050000000,"online_cpus":2,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"memory_stats":{"usage":585728,"max_usage":4341760,"stats":{"active_anon":4096,"active_file":0,"cache":0,"dirty":0,"hierarchical_memory_limit":9223372036854771712,"hierarchical_memsw_limit":9223372036854771712,"inactive_anon":61440,"inactive_file":0,"mapped_file":0,"pgfault":1171,"pgmajfault":0,"pgpgin":855,"pgpgout":839,"rss":65536,"rss_huge":0,"total_active_anon":4096,"total_active_file":0,"total_cache":0,"total_dirty":0,"total_inactive_anon":61440,"total_inactive_file":0,"total_mapped_file":0,"total_pgfault":1171,"total_pgmajfault":0,"total_pgpgin":855,"total_pgpgout":839,"total_rss":65536,"total_rss_huge":0,"total_unevictable":0,"total_writeback":0,"unevictable":0,"writeback":0},"limit":25276182528},"name":"/stats-sample","id":"5351a22ae8909c2998692534f9ad53364ab4af53497c3efc0bde20e03a185bd2","networks":{"eth0":{"rx_bytes":736,"rx_packets":8,"rx_errors":0,"rx_dropped":0,"tx_bytes":0,"tx_packets":0,"tx_errors":0,"tx_dropped":0}}}
        """;

    /// <summary>
    /// Docker 24 on cgroup v2, <c>stream=false&amp;one-shot=true</c>: no previous read, memory
    /// stats named as the v2 kernel names them (no <c>total_*</c>, no <c>cache</c>), two networks.
    /// </summary>
    public const string CgroupV2OneShot = """
        {"read":"2026-12-07T20:30:00.123456789Z","preread":"0001-01-01T00:00:00Z","pids_stats":{"current":9,"limit":4611686018427387903},
         "cpu_stats":{"cpu_usage":{"total_usage":93250000000,"usage_in_kernelmode":11000000000,"usage_in_usermode":82250000000},"system_cpu_usage":7510000000000,"online_cpus":4,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},
         "precpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},
         "memory_stats":{"usage":524288000,"stats":{"active_anon":209715200,"active_file":52428800,"anon":262144000,"file":251658240,"inactive_anon":52428800,"inactive_file":199229440,"kernel_stack":147456,"shmem":0,"slab":8388608},"limit":2147483648},
         "name":"/kobobe-postgres-1","id":"0123456789abcdef",
         "networks":{"eth0":{"rx_bytes":1000000,"rx_packets":900,"rx_errors":0,"rx_dropped":0,"tx_bytes":250000,"tx_packets":800,"tx_errors":0,"tx_dropped":0},
                     "eth1":{"rx_bytes":500,"rx_packets":5,"rx_errors":0,"rx_dropped":0,"tx_bytes":300,"tx_packets":3,"tx_errors":0,"tx_dropped":0}}}
        """;
}
