//! The text the corpus generator draws from: projects, tags, names, titles, sentences,
//! questions, list items and code. All of it written for this generator.
//!
//! Included by `corpus.rs`; kept apart so the generator's logic reads on one screen.

/// A project the archive talks about, and where it lives.
pub(super) struct Project {
    pub(super) name: &'static str,
    pub(super) url: &'static str,
    /// Index in `THEMES` of what posts about the project mostly discuss.
    pub(super) theme: usize,
}

const fn project(name: &'static str, url: &'static str, theme: usize) -> Project {
    Project { name, url, theme }
}

/// Stands in for a project in posts about none in particular.
pub(super) const SOFASTACK: Project = project("SOFAStack", "https://github.com/sofastack", 6);

pub(super) const PROJECTS: &[Project] = &[
    project("MOSN", "https://github.com/mosn/mosn", 0),
    project("SOFAJRaft", "https://github.com/sofastack/sofa-jraft", 1),
    project("Seata", "https://github.com/apache/incubator-seata", 2),
    project("Layotto", "https://github.com/mosn/layotto", 4),
    project("SOFARPC", "https://github.com/sofastack/sofa-rpc", 3),
    project("Koupleless", "https://github.com/koupleless/koupleless", 4),
    project(
        "SOFARegistry",
        "https://github.com/sofastack/sofa-registry",
        3,
    ),
    project("SOFABoot", "https://github.com/sofastack/sofa-boot", 4),
    project("SOFAArk", "https://github.com/sofastack/sofa-ark", 4),
    project("SOFATracer", "https://github.com/sofastack/sofa-tracer", 5),
];

/// The tag vocabulary, most common first (see `pick_skewed`). Project names are added as
/// tags separately, which brings the vocabulary to about fifty.
pub(super) const TAGS: &[&str] = &[
    "Release",
    "Community",
    "Service Mesh",
    "Tutorial",
    "RPC",
    "Q&A",
    "分布式事务",
    "云原生",
    "微服务",
    "可观测性",
    "源码解析",
    "直播回顾",
    "Meetup",
    "Raft",
    "共识算法",
    "注册中心",
    "Sidecar",
    "性能优化",
    "Kubernetes",
    "最佳实践",
    "架构设计",
    "开源之夏",
    "活动预告",
    "Go",
    "Java",
    "Rust",
    "WebAssembly",
    "gRPC",
    "HTTP/2",
    "配置中心",
    "消息队列",
    "Serverless",
    "模块化",
    "稳定性",
    "安全",
    "eBPF",
    "Observability",
    "Benchmark",
    "贡献者",
    "新手指南",
];

pub(super) const AUTHORS: &[&str] = &[
    "SOFA 团队",
    "SOFAStack",
    "MOSN 社区",
    "Seata 社区",
    "Li Hao",
    "陈静",
    "王磊",
    "林晓",
    "Zhang Wei",
    "Alice Chen",
];

/// People giving talks (team names would mention projects in every events table).
pub(super) const SPEAKERS: &[&str] = &[
    "王磊",
    "陈静",
    "林晓",
    "Li Hao",
    "Zhang Wei",
    "Alice Chen",
    "赵一鸣",
    "Bruno Costa",
];

pub(super) const ASKERS: &[&str] = &[
    "小林",
    "阿程",
    "Wendy",
    "老周",
    "Kevin",
    "Sunny",
    "张同学",
    "Mia",
    "Daniel",
    "雨田",
    "Hank",
    "晓峰",
    "Yuki",
    "Tom",
];

pub(super) const ZH_TITLE_TOPICS: &[&str] = &[
    "Raft 快照",
    "分布式事务",
    "服务发现",
    "超时与重试",
    "Sidecar 调试",
    "模块化拆分",
    "优雅退出",
    "热升级",
    "链路追踪",
    "限流熔断",
    "泛化调用",
    "连接池",
];
pub(super) const ZH_TITLE_EVENTS: &[&str] = &[
    "社区会议预告",
    "直播回顾",
    "Meetup 报名",
    "开源之夏进展",
    "贡献者故事",
    "新手任务发布",
];
pub(super) const ZH_TITLE_ANGLES: &[&str] = &[
    "从原理到落地",
    "一次线上问题的排查",
    "我们踩过的坑",
    "源码解读",
    "性能优化实录",
];
pub(super) const EN_TITLE_TOPICS: &[&str] = &[
    "Raft snapshots",
    "distributed transactions",
    "service discovery",
    "timeouts and retries",
    "sidecar debugging",
    "graceful shutdown",
    "hot upgrades",
    "tracing",
    "rate limiting",
];
pub(super) const EN_TITLE_EVENTS: &[&str] = &[
    "community call",
    "live stream recap",
    "meetup sign-up",
    "new contributors",
];
pub(super) const EN_TITLE_ANGLES: &[&str] =
    &["Deep dive", "Lessons learned", "A field report", "Notes"];

pub(super) const ZH_HEADINGS: &[&str] = &[
    "本周发布",
    "每周读者问答提炼",
    "社区动态",
    "活动预告",
    "源码解析",
    "性能优化实践",
    "落地案例",
    "版本说明",
    "常见问题",
    "贡献者故事",
    "升级建议",
    "下周计划",
];
pub(super) const EN_HEADINGS: &[&str] = &[
    "Release notes",
    "Questions from readers",
    "Community news",
    "Deep dive",
    "Benchmarks",
    "Upcoming events",
    "Upgrade notes",
    "What's next",
];

/// Sentences of one subject, written for this generator, in both languages. `{p}` stands
/// for the post's project.
pub(super) struct Theme {
    pub(super) zh: &'static [&'static str],
    pub(super) en: &'static [&'static str],
}

/// What any post may say: thanks, pointers to docs, calls for questions. No topic in here,
/// so it does not spread topic tags over the whole archive.
pub(super) const GENERAL: Theme = Theme {
    zh: &[
        "{p} 社区本周合并了 17 个 PR，其中 6 个来自首次贡献者。",
        "感谢每一位在 issue 里耐心描述复现步骤的同学，这让排查快了很多。",
        "欢迎大家在公众号后台留言提问，我们会挑选典型问题在下一期回复。",
        "文档是新同学参与社区最好的起点，改一个错字也是贡献。",
        "升级前请仔细阅读兼容性说明，尤其是配置项默认值的变化。",
        "这次发布修复了一个只有在极端网络分区下才会出现的数据不一致问题。",
        "{p} 的代码仓库里新增了中文贡献指南，欢迎大家阅读后参与。",
        "「先让它跑起来，再让它跑得快」，这是社区里常被引用的一句话。",
        "{p} 的新版本已经在多家公司的生产环境中运行了半年以上。",
        "有问题的同学也可以直接在 GitHub 上提 issue，我们会尽快回复。",
    ],
    en: &[
        "Thanks to everyone who described their reproduction steps so carefully in the issue tracker.",
        "Please read the compatibility notes before upgrading, especially the changed defaults.",
        "Documentation is the best place to start contributing; fixing a typo counts.",
        "Questions from readers are collected every week and the most common ones are answered here.",
        "{p} has been running in production at several companies for more than six months.",
        "This release fixes a rare inconsistency that only showed up under a network partition.",
    ],
};

/// The subjects a post is about: one main theme and one side theme per post.
pub(super) const THEMES: &[Theme] = &[
    // 0: service mesh and proxies
    Theme {
        zh: &[
            "服务网格把流量治理从业务代码中剥离出来，交给 Sidecar 统一处理。",
            "Sidecar 模式的代价是多了一跳网络，但换来了与语言无关的治理能力。",
            "{p} 的配置支持热更新，修改路由规则不需要重启进程。",
            "在 Kubernetes 中，Sidecar 与业务容器共享同一个网络命名空间。",
            "优雅退出要先摘除流量，再等待存量请求处理完毕，最后才关闭连接。",
            "热升级时，新旧进程通过 Unix Domain Socket 交接监听的文件描述符。",
            "WebAssembly 扩展让用户可以用多种语言编写过滤器，并在运行时安全地加载。",
            "开启 TLS 之后，CPU 使用率上升了约 8%，主要开销在握手阶段。",
            "{p} 的连接池在高并发下表现稳定，P99 延迟控制在 5 毫秒以内。",
            "有读者问到如何在本地调试 Sidecar，我们整理了一份步骤说明。",
        ],
        en: &[
            "A sidecar adds one network hop, but every language gets the same routing and retries.",
            "{p} now reuses upstream connections across requests, which halves the number of TLS handshakes.",
            "Graceful shutdown drains traffic first, waits for in-flight requests, and only then closes connections.",
            "Hot upgrades hand the listening sockets from the old process to the new one over a Unix domain socket.",
            "WebAssembly filters can be written in several languages and loaded safely at run time.",
            "In Kubernetes the sidecar shares the network namespace of the application container.",
        ],
    },
    // 1: consensus and replication
    Theme {
        zh: &[
            "Raft 协议通过任期和日志索引，保证同一时刻最多只有一个 Leader。",
            "当 Follower 落后太多时，Leader 会直接发送快照，而不是逐条复制日志。",
            "状态机的 onApply 必须是确定性的，否则各个副本会逐渐产生分歧。",
            "快照间隔太短会浪费磁盘 IO，太长则会让重启后的日志回放变慢。",
            "线性一致读可以通过 ReadIndex 实现，避免每次读取都写一条日志。",
            "选举超时需要明显大于心跳间隔，通常取十倍左右。",
            "状态机在重放日志时不能依赖本地时钟，时间戳应当由 Leader 写入日志。",
            "{p} 的多 Raft Group 模式让一个进程可以承载上千个分片。",
        ],
        en: &[
            "Raft guarantees that at most one leader exists in any given term.",
            "When a follower falls too far behind, the leader sends a snapshot instead of replaying the log.",
            "The state machine must be deterministic, or the replicas will slowly drift apart.",
            "Linearizable reads can use ReadIndex instead of writing a log entry for every read.",
            "The election timeout should be about ten times the heartbeat interval.",
        ],
    },
    // 2: distributed transactions
    Theme {
        zh: &[
            "分布式事务的难点不在提交，而在于各种异常情况下如何正确回滚。",
            "AT 模式依赖 undo log 记录数据的前后镜像，回滚时据此生成反向 SQL。",
            "全局锁的粒度越细，并发冲突越少，但管理成本也越高。",
            "在 TCC 模式中，Try 阶段只做资源预留，真正的扣减发生在 Confirm 阶段。",
            "Saga 模式适合长流程业务，每一步都要提供对应的补偿动作。",
            "{p} 的 TC 集群支持使用数据库或 Raft 存储事务状态。",
            "空回滚和悬挂是 TCC 模式里最容易被忽视的两种异常。",
        ],
        en: &[
            "In AT mode the undo log keeps before and after images, so a rollback can be generated automatically.",
            "Every Saga step needs a compensating action that undoes its effect.",
            "The hard part of a distributed transaction is not the commit but the rollback after a failure.",
            "A finer global lock means fewer conflicts, at the price of more bookkeeping.",
        ],
    },
    // 3: RPC, discovery and traffic control
    Theme {
        zh: &[
            "一次 RPC 调用要经过序列化、网络传输、反序列化和业务处理四个阶段。",
            "超时时间应当从下游往上游逐层递增，否则重试会把故障放大。",
            "熔断器在错误率超过阈值后打开，给下游留出恢复的时间。",
            "注册中心需要在可用性和一致性之间做取舍，多数场景下更看重可用性。",
            "服务发现的推送延迟从秒级降到了百毫秒级。",
            "为了兼容老版本客户端，服务端会根据请求头中的版本号选择编码方式。",
            "泛化调用适合网关和测试平台这类没有接口定义的场景。",
            "在生产环境中，建议把重试次数限制在两次以内，并配合退避策略。",
            "限流的关键是选对维度：按接口、按调用方，还是按用户。",
            "一致性哈希负载均衡能让同一个用户的请求尽量落在同一个实例上。",
            "健康检查失败的实例会被暂时摘除，恢复之后再自动加回。",
            "跨机房部署时，优先调用同机房的服务实例可以显著降低延迟。",
        ],
        en: &[
            "Timeouts should grow from the callee towards the caller, or retries will amplify an outage.",
            "The circuit breaker opens when the error rate crosses its threshold and gives the downstream time to recover.",
            "Consistent hashing keeps the requests of one user on the same instance whenever possible.",
            "Prefer instances in the same data centre; crossing regions costs tens of milliseconds.",
            "Generic invocation is handy for gateways and test platforms that have no interface jar.",
            "Limit retries to two at most, and back off between them.",
            "Service discovery now pushes changes within a few hundred milliseconds.",
            "Health checks remove failing instances and add them back once they recover.",
            "Rate limits work best when they are set per caller rather than per process.",
        ],
    },
    // 4: modular applications and runtimes
    Theme {
        zh: &[
            "模块化开发让大应用的启动时间从几分钟缩短到几十秒。",
            "基座负责提供公共依赖，模块只携带自己的业务代码。",
            "多运行时架构让应用通过统一的 API 访问配置、消息和状态存储。",
            "{p} 把中间件之间的差异封装在组件里，业务代码只依赖标准接口。",
            "从单体到微服务不是一蹴而就的，可以先拆出边界最清晰的模块。",
            "模块之间的类隔离避免了依赖版本冲突，这是合并部署的前提。",
        ],
        en: &[
            "Modular development brought the start-up time of a large application down from minutes to seconds.",
            "{p} hides the differences between middleware products behind a small, stable API.",
            "The base application provides the shared dependencies; a module carries only its own code.",
            "Moving from a monolith to services is gradual: split off the module with the clearest boundary first.",
        ],
    },
    // 5: performance and observability
    Theme {
        zh: &[
            "我们在压测中发现，瓶颈并不在网络，而在日志打印的锁竞争上。",
            "通过复用连接和批量发送，吞吐量提升了将近一倍。",
            "可观测性包括指标、日志和链路追踪三个方面，缺一不可。",
            "链路追踪的 TraceId 需要在每一次跨进程调用中透传下去。",
            "我们用火焰图定位到了热点函数，优化后单核吞吐提升了 30%。",
            "协议解析层做了零拷贝优化，大包场景下的内存分配次数明显减少。",
            "日志里的每一条错误，都应该带上足以定位问题的上下文。",
            "性能优化之前先建立基准测试，否则很难证明改动真的有效。",
            "这个问题的根因是两个线程以不同的顺序获取了同一组锁。",
            "每个版本发布前，我们都会在测试集群上连续运行 72 小时的稳定性测试。",
            "在灰度发布阶段，我们先把 5% 的流量切到新版本，观察一小时后再逐步放大。",
        ],
        en: &[
            "We found that the bottleneck was not the network but lock contention in the logger.",
            "Observability means metrics, logs and traces, and the trace id must travel with every call.",
            "Measure before optimising: without a benchmark there is no proof that a change helped.",
            "Zero-copy parsing cut the number of allocations for large payloads by half.",
            "We ran the release candidate on the test cluster for 72 hours before tagging it.",
        ],
    },
    // 6: events
    Theme {
        zh: &[
            "本周的直播回放已经上传，感兴趣的同学可以在官网找到链接。",
            "开源之夏的同学们已经完成了中期考核，各个项目进展顺利。",
            "下次社区会议定在周三晚上七点，议题征集正在进行中。",
            "本期 Meetup 的讲稿和录像都会在活动结束后一周内公开。",
            "《分布式系统实践》读书会本周读到第三章：复制与一致性。",
        ],
        en: &[
            "The meeting notes and the recording will be published within a week.",
            "The community call is on Wednesday at 19:00 (UTC+8), and everyone is welcome.",
            "Students in the summer of open source have passed their mid-term reviews.",
        ],
    },
];

pub(super) const ZH_QUESTIONS: &[&str] = &[
    "{p} 支持在不重启的情况下修改路由规则吗？",
    "Follower 什么时候把已提交的日志应用到状态机？",
    "快照多久打一次比较合适？",
    "调用方没有服务端的接口 jar，还能发起调用吗？",
    "方法级超时和接口级超时同时配置，以哪个为准？",
    "Sidecar 部署之后，怎么确认流量确实经过了它？",
    "模块启动时报 ClassNotFoundException，应该从哪里查起？",
    "AT 模式和 TCC 模式应该怎么选？",
    "{p} 在 ARM 机器上可以运行吗？",
];

pub(super) const EN_QUESTIONS: &[&str] = &[
    "Can {p} change routing rules without a restart?",
    "When does a follower apply committed entries to its state machine?",
    "How often should we take snapshots?",
    "Can we call a service without its interface jar?",
    "Which wins, a method-level timeout or an interface-level one?",
    "How do we know that traffic really goes through the sidecar?",
    "Does {p} run on ARM machines?",
];

pub(super) const LIST_ITEMS: &[&str] = &[
    "修复了 {p} 在 IPv6 环境下的地址解析问题",
    "新增按请求头选择上游集群的路由能力",
    "优化了空闲连接的回收策略，内存占用下降约 15%",
    "文档补充了升级指南和常见问题",
    "Added a `max_connections` option per cluster",
    "Fixed a race when two leaders stepped down at once",
    "{p} 的 Helm Chart 支持自定义资源限制",
    "Upgraded dependencies flagged by the security scanner",
    "默认关闭了调试日志，避免磁盘被写满",
    "Improved error messages: every one now names the file and line",
    "支持通过环境变量覆盖配置文件中的任意项",
    "新增 Prometheus 格式的指标导出",
];

pub(super) const LIST_ITEMS_SHORT: &[&str] = &[
    "兼容性修复",
    "性能优化",
    "文档更新",
    "新增指标",
    "Bug fixes",
    "Faster start-up",
    "安全加固",
    "New API",
    "日志改进",
    "测试补全",
];

pub(super) const BENCH_SCENARIOS: &[&str] = &[
    "短连接",
    "长连接",
    "单连接 100 并发",
    "批量发送",
    "开启 TLS",
    "1 KB payload",
    "64 KB payload",
];

/// Talks at an event; `{p}` is the post's project.
pub(super) const TALKS: &[&str] = &[
    "{p} 的设计与实现",
    "{p} 在生产环境的落地",
    "{p} 源码导读",
    "从 issue 到 PR：第一次贡献",
    "圆桌：开源社区怎么参与？",
    "A year of {p} in production",
    "Lightning talks",
];

/// A code block: the theme it belongs to (an index in `THEMES`, or `ANY_THEME`), its
/// language, and its text. `{port}` and `{timeout}` are filled in per post.
pub(super) struct Snippet {
    pub(super) theme: usize,
    pub(super) language: &'static str,
    pub(super) code: &'static str,
}

/// For snippets that fit a post about anything.
pub(super) const ANY_THEME: usize = usize::MAX;

pub(super) const CODE_SNIPPETS: &[Snippet] = &[
    Snippet {
        theme: 0,
        language: "go",
        code: "func (f *tagFilter) OnReceive(ctx context.Context, headers api.HeaderMap,\n\tbuf buffer.IoBuffer, trailers api.HeaderMap) api.StreamFilterStatus {\n\theaders.Set(\"x-mesh-tag\", f.tag)\n\treturn api.StreamFilterContinue\n}\n",
    },
    Snippet {
        theme: 0,
        language: "yaml",
        code: "cluster_manager:\n  clusters:\n    - name: \"order_service\"\n      lb_type: \"LB_ROUNDROBIN\"\n      connect_timeout: \"{timeout}ms\"\n      hosts:\n        - address: \"127.0.0.1:{port}\"\n",
    },
    Snippet {
        theme: 0,
        language: "rust",
        code: "fn relay(inbound: TcpStream) -> io::Result<()> {\n    let outbound = TcpStream::connect((\"127.0.0.1\", {port}))?;\n    outbound.set_read_timeout(Some(Duration::from_millis({timeout})))?;\n    let (mut from, mut to) = (inbound.try_clone()?, outbound.try_clone()?);\n    std::thread::spawn(move || io::copy(&mut from, &mut to));\n    io::copy(&mut &outbound, &mut &inbound).map(drop)\n}\n",
    },
    Snippet {
        theme: 1,
        language: "java",
        code: "NodeOptions options = new NodeOptions();\n// 单位是秒；设为 0 或负数表示不自动打快照\noptions.setSnapshotIntervalSecs(600);\noptions.setElectionTimeoutMs({timeout});\noptions.setFsm(new CounterStateMachine());\n",
    },
    Snippet {
        theme: 2,
        language: "java",
        code: "@GlobalTransactional(timeoutMills = {timeout}, name = \"create-order\")\npublic void createOrder(Order order) {\n    stockClient.deduct(order.getSku(), order.getCount());\n    orderMapper.insert(order);\n}\n",
    },
    Snippet {
        theme: 3,
        language: "java",
        code: "ConsumerConfig<OrderService> consumer = new ConsumerConfig<OrderService>()\n    .setInterfaceId(OrderService.class.getName())\n    .setProtocol(\"bolt\")\n    .setTimeout({timeout})\n    .setDirectUrl(\"bolt://127.0.0.1:{port}\");\nOrderService service = consumer.refer();\n",
    },
    Snippet {
        theme: 4,
        language: "shell",
        code: "mvn clean package -DskipTests\narkctl deploy ./biz/target/biz-0.0.1-ark-biz.jar --port {port}\n",
    },
    Snippet {
        theme: 5,
        language: "shell",
        code: "wrk -t4 -c{timeout} -d60s http://127.0.0.1:{port}/orders\nperf record -g -p $(pgrep -f order-service) -- sleep 30\n",
    },
    Snippet {
        theme: ANY_THEME,
        language: "shell",
        code: "curl -s http://127.0.0.1:{port}/health\n",
    },
    Snippet {
        theme: ANY_THEME,
        language: "json",
        code: "{\n  \"service\": \"order_service\",\n  \"timeout_ms\": {timeout},\n  \"retries\": 2,\n  \"port\": {port}\n}\n",
    },
];
