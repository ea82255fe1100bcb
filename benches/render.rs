//! Render throughput on a ~40 KB mixed Chinese/English post (generated here, like a SOFA
//! Weekly issue: Q&A paragraphs, quotes, lists, a table, a code block, many links):
//! parse + wrap at 80 columns, and re-wrapping the same post at a new width (a resize).

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sofa_weekly::render::{Theme, render};

const ZH: &[&str] = &[
    "这个事务异常了，然后服务端触发了事务恢复，但是这条事务在客户端已经没有了。",
    "状态机引擎不是一个普通的组件，所以不应该直接访问这个类的引用。",
    "欢迎大家向公众号留言提问或在群里与我们互动，",
    "我们会筛选重点问题通过周报的形式回复。",
    "针对此次协议漏洞，内置的容器默认是不会打开连接器的，也就是说默认情况下所有版本都是安全的。",
];
const EN: &[&str] = &[
    "SOFABoot ",
    "Seata Saga ",
    "MOSN ",
    "the service mesh sidecar ",
    "RPC framework ",
    "`@Reference` ",
    "**Layotto** ",
    "*Kubernetes* ",
    "graceful shutdown ",
];

/// A deterministic post of about `bytes` bytes.
fn post(bytes: usize) -> String {
    let mut seed = 0x2545_f491_u32;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as usize % n
    };
    let mut out = String::from("**SOFA WEEKLY | 每周精选，筛选每周精华问答**\n\n");
    let mut question = 1;
    while out.len() < bytes {
        let _ = writeln!(out, "**{question}、@读者{question}** 提问：\n");
        out.push_str("> ");
        for _ in 0..3 {
            out.push_str(ZH[next(ZH.len())]);
            out.push_str(EN[next(EN.len())]);
        }
        out.push_str("\n> 请问这个配置应该怎么写？\n\nA：");
        for _ in 0..6 {
            out.push_str(ZH[next(ZH.len())]);
            if next(3) == 0 {
                out.push('\n');
            }
            out.push_str(EN[next(EN.len())]);
        }
        let _ = writeln!(
            out,
            "\n\n相关链接：[https://github.com/sofastack/sofa-boot/issues/{question}](https://github.com/sofastack/sofa-boot/issues/{question})\n"
        );
        if question % 5 == 0 {
            out.push_str(
                "- 发布 MOSN v1.0，支持多协议\n- 修复 Seata 的事务恢复问题\n  - 子项：优化性能\n\n",
            );
            out.push_str("| 项目 | 版本 | 说明 |\n|---|---|---|\n| MOSN | v1.0 | 云原生网络代理平台 |\n| SOFARPC | 5.7 | 高性能 RPC 框架 |\n\n");
        }
        question += 1;
    }
    out
}

fn benches(c: &mut Criterion) {
    let markdown = post(40 * 1024);
    let plain = Theme::plain();
    let mut group = c.benchmark_group("render");
    group.throughput(Throughput::Bytes(markdown.len() as u64));
    group.bench_function("parse_and_wrap_40k_at_80", |b| {
        b.iter(|| render(black_box(&markdown), 80, &plain));
    });
    group.bench_function("rewrap_40k_at_60_after_80", |b| {
        let _first = render(&markdown, 80, &plain);
        b.iter(|| render(black_box(&markdown), 60, &plain));
    });
    group.bench_function("parse_and_wrap_40k_at_80_dark", |b| {
        let dark = Theme::dark();
        b.iter(|| render(black_box(&markdown), 80, &dark));
    });
    group.finish();
}

criterion_group!(render_benches, benches);
criterion_main!(render_benches);
