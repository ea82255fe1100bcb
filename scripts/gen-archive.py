#!/usr/bin/env python3
"""Writes a synthetic newsletter archive for measuring the library at scale.

    scripts/gen-archive.py N DIR [--seed S]

writes N markdown posts below DIR (one folder per year), half Chinese and half English,
and prints their total size. Sizes follow a log-normal shape around a mean of about 19 KB
(10,000 posts are about 187 MB), the size of real weekly newsletters. Each post has front
matter (title, date, tags) and a body of headings, paragraphs wrapped with soft line
breaks, lists, links, tables and code blocks.

The output depends only on the seed: post i is the same bytes for every N, so a 10,000-post
archive is the first 10,000 posts of the 100,000-post one. The generated
files are test data and are never committed.

Unlike `examples/gen-corpus.rs` (mostly Chinese, median 8 KiB, what the criterion benches
import), this archive matches the one the 100,000-post budgets were set on.
"""

import argparse
import math
import os
import random
import sys
import textwrap

# About 600 of the most common Chinese characters, for words the vocabulary below does not
# hold: real text has thousands of distinct characters, and the index's size and speed
# depend on how many distinct character pairs it sees.
COMMON_HANZI = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵硬麦蒋操耶阻订彩抽赞魔纷沿喊违妹浪汇币丰蓝殊献桌啦瓦莱援译夺汽烧距裁偏符勇触课敬哭懂墙袭召罚侠厅拜巧侧韩冒债曼融惯享戴童犹乘挂奖绍厚纵障讯涉彻刊丈爆乌役描洗玛患妙镜唱烦签仙彼弗症仿倾牌陷鸟轰咱菜闭奋庆撤泪茶疾缘播朗杜奶季丹狗尾仪偷奔珠虫驻孔宜艾桥淡翼恨繁寒伴叹旦愈潮粮缩罢聚径恰挑袋灰捕徐珍幕映裂泰隔启尖忠累炎暂估泛荒偿横拒瑞忆孤鼻闹羊呆厉衡胞零穷舍码赫婆魂灾洪腿胆津俗辩胸晓劲贫仁偶辑邦恢赖圈摸仰润堆碰艇稍迟辆废净凶署壁御奉旋冬矿抬蛋晨伏吹鸡倍糊秦盾杯租骑乏隆诊奴摄丧污渡旗甘耐凭扎抢绪粗肩梁幻菲皆碎宙叔岩荡综爬荷悉蒂返井壮薄悄扫敏碍殖详迪矛霍允幅撒剩凯颗骂赏液番箱贴漫酸郎腰舒眉忧浮辛恋餐吓挺励辞艘键伍峰尺昨黎辈贯侦滑券崇扰宪绕趋慈乔阅汗枝拖墨胁插箭腊粉泥氏彭拔骗凤慧媒佩愤扑龄驱惜豪掩兼跃尸肃帕驶堡届欣惠册储飘桑闲惨洁踪勃宾频仇磨递邪撞拟滚奏巡颜剂绩贡疯坡瞧截燃焦殿伪柳锁逼颇昏劝呈搜勤戒驾漂饮曹朵仔柔俩孟腐幼践籍牧凉牲佳娜浓芳稿竹腹跌逻垂遵脉貌柏狱猜怜惑陶兽帐饰贷昌叙躺钢沟寄扶铺邓寿惧询汤盗肥尝匆辉奈扣廷澳嘛董迁凝慰厌脏腾幽怨鞋丢埋泉涌辖躲晋紫艰魏吾慌祝邮吐狠鉴曰械咬邻赤挤弯椅陪割揭韦悟聪雾锋梯猫祥阔誉筹丛牵鸣沈阁穆屈旨袖猎臂蛇贺柱抛鼠瑟戈牢逊迈欺吨琴衰瓶恼燕仲诱狼池疼卢仗冠粒遥吕玄尘冯抚浅敦纠钻晶岂峡苍喷耗凌敲菌赔涂粹扁亏寂煤熊恭湿循暖糖赋抑秩帽哀宿踏烂袁侯抖夹昆肝擦猪炼恒慎搬纽纹玻渔磁铜齿跨押怖漠疲叛遣兹祭醉拳弥斜档稀捷肤疫肿豆削岗晃吞宏癌肚隶履涨耀扭坛拨沃绘伐堪仆郭牺歼墓雇廉契拼惩捉覆刷劫嫌瓜歇雕闷乳串娃缴唤赢莲霸桃妥瘦搭赴岳嘉舱俊址庞耕锐缝悔邀玲惟斥宅添挖呵讼氧浩羽斤酷掠妖祸侍乙妨贪挣汪尿莉悬唇翰仓轨枚盐览傅帅庙芬屏寺胖璃愚滴疏萧姿颤丑劣柯寸扔盯辱匹俱辨饿蜂哦腔郁溃谨糟葛苗肠忌溜鸿爵鹏鹰笼丘桂滋聊挡纲肌茨壳痕碗穴膀卓贤卧膜毅锦欠哩函茫昂薛皱夸豫胃舌剥傲拾窝睁携陵哼棉晴铃填饲渴吻扮逆脆喘罩卜炉柴愉绳胎蓄眠竭喂傻慕浑奸扇柜悦拦诞饱乾泡贼亭夕爹酬儒姻卵氛泄杆挨僧蜜吟猩遂狭肖甜霞驳裕顽於摘矮秒卿畜咽披辅勾盆疆赌塑畏吵囊嗯泊肺骤缠冈羞瞪吊贾漏斑涛悠鹿俘锡卑葬铭滩嫁催璇翅盒蛮矣潘歧赐鲍锅廊拆灌勉盲宰佐啥胀扯禧辽抹筒棋裤唉朴咐孕誓喉妄拘链驰栏逝窃艳臭纤玑棵趁匠盈翁愁瞬婴孝颈倘浙谅蔽畅赠妮莎尉冻跪闯葡後厨鸭颠遮谊圳吁仑辟瘤嫂陀框谭亨钦庸歉芝吼甫衫摊宴嘱衷娇陕矩浦讶耸裸碧摧薪淋耻胶屠鹅饥盼脖虹翠崩账萍逢赚撑翔倡绵猴枯巫昭怔渊凑溪蠢禅阐旺寓藤匪伞碑挪琼脂谎慨菩萄狮掘抄岭晕逮砍掏狄晰罕挽脾舟痴蔡剪脊弓懒叉拐喃僚捐姊骚拓歪粘柄坑陌窄湘兆崖骄刹鞭芒筋聘钩棍嚷腺弦焰耍俯厘愣厦恳饶钉寡憾摔叠惹喻谱愧煌徽溶坠煞巾滥洒堵瓷咒姨棒郡浴媚稣淮哎屁漆淫巢吩撰啸滞玫硕钓蝶膝姚茂躯吏猿寨恕渠戚辰舶颁惶狐讽笨袍嘲啡泼衔倦涵雀旬僵撕肢垄夷逸茅侨舆窑涅蒲谦杭噢弊勋刮郊凄捧浸砖鼎篮蒸饼亩肾陡爪兔殷贞荐哑炭坟眨搏咳拢舅昧擅爽咖搁禄雌哨巩绢螺裹昔轩谬谍龟媳姜瞎冤鸦蓬巷琳栽沾诈斋瞒彪厄咨纺罐桶壤糕颂膨谐垒咕隙辣绑宠嘿兑霉挫稽辐乞纱裙嘻哇绣杖塘衍轴攀膊譬斌祈踢肆坎轿棚泣屡躁邱凰溢椎砸趟帘帆栖窜丸斩堤塌贩厢掀喀乖谜捏阎滨虏匙芦苹卸沼钥株祷剖熙哗劈怯棠胳桩瑰娱娶沫嗓蹲焚淘嫩韵衬匈钧竖峻豹捞菊鄙魄兜哄颖镑屑蚁壶怡渗秃迦旱哟咸焉谴宛稻铸锻伽詹毙恍贬烛骇芯汁桓坊驴朽靖佣汝碌迄冀荆崔雁绅珊榜诵傍彦醇笛禽勿娟瞄幢寇睹贿踩霆呜拱妃蔑谕缚诡篷淹腕煮倩卒勘馨逗甸贱炒灿敞蜡囚栗辜垫妒魁谣寞蜀甩涯枕丐泳奎泌逾叮黛燥掷藉枢憎鲸弘倚侮藩拂鹤蚀浆芙垃烤晒霜剿蕴圾绸屿氢驼妆捆铅逛淑榴丙痒钞蹄犬躬昼藻蛛褐颊奠募耽蹈陋侣魅岚侄虐堕陛莹荫狡阀绞膏垮茎缅喇绒搅凳梭丫姬诏钮棺耿缔懈嫉灶匀嗣鸽澡凿纬沸畴刃遏烁嗅叭熬瞥骸奢拙栋毯桐砂莽泻坪梳杉晤稚蔬蝇捣顷麽尴镖诧尬硫嚼羡沦沪旷彬芽狸冥碳咧惕暑咯萝汹腥窥俺潭崎麟捡拯厥澄萎哉涡滔暇溯鳞酿茵愕瞅暮衙诫斧兮焕棕佑嘶妓喧蓉删樱伺嗡娥梢坝蚕敷澜杏绥冶庇挠搂倏聂婉噪稼鳍菱盏匿吱寝揽髓秉哺矢啪帜邵嗽挟缸揉腻驯缆晌瘫贮觅朦僻隋蔓咋嵌虔畔琐碟涩胧嘟蹦冢浏裔襟叨诀旭虾簿啤擒枣嘎苑牟呕骆凸熄兀喔裳凹赎屯膛浇灼裘砰棘橡碱聋姥瑜毋娅沮萌俏黯撇粟粪尹苟癫蚂禹廖俭帖煎缕窦簇棱叩呐瑶墅莺烫蛙歹伶葱哮眩坤廓讳啼乍瓣矫跋枉梗厕琢讥釉窟敛轼庐胚呻绰扼懿炯竿慷虞锤栓桨蚊磅孽惭戳禀鄂馈垣溅咚钙礁彰豁眯磷雯墟迂瞻颅琉悼蝴拣渺眷悯汰慑婶斐嘘镶炕宦趴绷窘襄珀嚣拚酌浊毓撼嗜扛峭磕翘槽淌栅颓熏瑛颐忖"
)

# Technical words the posts are about, in Chinese, most common first.
ZH_WORDS = (
    "状态 事务 分布式 服务 网格 注册中心 配置 版本 发布 社区 贡献者 开源 性能 优化 稳定性 "
    "架构 云原生 容器 调度 集群 节点 网关 流量 治理 限流 熔断 降级 监控 链路 追踪 日志 指标 "
    "存储 数据库 一致性 共识 算法 选举 日志复制 快照 协议 序列化 连接池 线程 协程 内存 "
    "泄漏 垃圾回收 编译 运行时 模块化 插件 扩展 动态 热部署 隔离 安全 认证 鉴权 加密 证书 "
    "部署 灰度 回滚 测试 集成 用例 文档 示例 教程 问题 修复 缺陷 特性 支持 兼容 升级 迁移 "
    "接口 调用 远程 异步 同步 消息 队列 订阅 推送 拉取 心跳 超时 重试 幂等 补偿 回调 "
    "负载均衡 路由 代理 边车 控制面 数据面 观测 告警 容量 压测 基准 延迟 吞吐 并发 锁 "
    "读写 缓存 命中 淘汰 索引 查询 分片 副本 主从 故障 恢复 切换 备份 资源 配额"
).split()

EN_WORDS = (
    "the of and to in a is that for it as with was on be by this are from at or an have "
    "not which but they can all more one new has will their been also when about there "
    "release service mesh registry configuration version community contributor open "
    "source performance optimization stability architecture cloud native container "
    "scheduling cluster node gateway traffic governance rate limiting circuit breaker "
    "monitoring tracing logging metrics storage database consistency consensus "
    "algorithm election replication snapshot protocol serialization connection pool "
    "thread coroutine memory leak garbage collection compiler runtime module plugin "
    "extension dynamic deployment isolation security authentication authorization "
    "encryption certificate rollout rollback testing integration documentation example "
    "tutorial issue fix bug feature support compatible upgrade migration interface call "
    "remote async closure sync message queue subscription push pull heartbeat timeout "
    "retry idempotent callback balancing routing proxy sidecar control plane data "
    "observability alert capacity benchmark latency throughput concurrency lock read "
    "write cache hit eviction index query shard replica primary failover recovery "
    "backup resource quota graceful shutdown rustc target loongarch kernel scheduler "
    "transaction saga coordinator participant branch global weekly newsletter highlights"
).split()

SYLLABLES = "ka lo mi ra ten vor sil pan dex quo bri zen tal mur fen gor lis nap vel cru dos".split()
TAGS = ["Release", "MOSN", "Seata", "SOFAJRaft", "Layotto", "社区", "周报", "Rust", "Go", "Java",
        "性能", "云原生", "Kubernetes", "安全", "数据库", "eBPF", "WebAssembly", "AI"]
LANGS = ["rust", "go", "java", "yaml", "sh"]
CODE = {
    "rust": ["let mut state = State::new();", "for item in items.iter() {", "    state.apply(item)?;",
             "}", "fn graceful_shutdown(timeout: Duration) -> Result<()> {", "    Ok(())"],
    "go": ["func main() {", "\tctx, cancel := context.WithTimeout(ctx, time.Second)",
           "\tdefer cancel()", "\treturn nil", "}"],
    "java": ["public class TransactionManager {", "    @Override", "    public void commit() {",
             "        log.info(\"commit\");", "    }", "}"],
    "yaml": ["server:", "  port: 8080", "  timeout: 30s", "registry:", "  address: 127.0.0.1:9603"],
    "sh": ["cargo build --release", "kubectl apply -f mesh.yaml", "git clone https://github.com/mosn/mosn"],
}


class Writer:
    def __init__(self, rng, chinese):
        self.rng = rng
        self.chinese = chinese

    def zipf(self, items, s=1.1):
        # Index drawn with a Zipf-like skew: the first items are much the most common.
        n = len(items)
        r = self.rng.random()
        return items[min(n - 1, int(n * r ** (1 + s)))]

    def zh_sentence(self):
        rng = self.rng
        parts = []
        for _ in range(rng.randint(4, 10)):
            roll = rng.random()
            if roll < 0.45:
                parts.append(self.zipf(ZH_WORDS))
            elif roll < 0.93:
                parts.append("".join(self.zipf(COMMON_HANZI, 0.8) for _ in range(rng.randint(1, 3))))
            else:
                parts.append(" " + self.zipf(EN_WORDS[40:]) + " ")
        return "".join(parts).strip() + rng.choice("。。。，；！？")

    def en_word(self):
        if self.rng.random() < 0.06:
            # Rare words, so the vocabulary grows with the archive as a real one does.
            return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))
        return self.zipf(EN_WORDS, 0.6)

    def en_sentence(self):
        words = [self.en_word() for _ in range(self.rng.randint(6, 18))]
        words[0] = words[0].capitalize()
        if self.rng.random() < 0.1:
            words.append(self.rng.choice(["MOSN", "Seata", "SOFAJRaft", "Kubernetes", "gRPC"]))
        return " ".join(words) + self.rng.choice("...,;!?")[0]

    def sentence(self):
        return self.zh_sentence() if self.chinese else self.en_sentence()

    def paragraph(self):
        text = ("" if self.chinese else " ").join(self.sentence() for _ in range(self.rng.randint(2, 7)))
        # Soft line breaks, as hand-wrapped markdown has them.
        if self.chinese:
            return "\n".join(text[i:i + 40] for i in range(0, len(text), 40))
        return "\n".join(textwrap.wrap(text, 78))

    def link(self):
        word = self.zipf(ZH_WORDS if self.chinese else EN_WORDS[40:])
        return f"[{word}](https://github.com/sofastack/{self.rng.choice(SYLLABLES)}/pull/{self.rng.randint(1, 4000)})"

    def list_block(self):
        items = []
        for _ in range(self.rng.randint(3, 8)):
            roll = self.rng.random()
            if roll < 0.3:
                items.append(f"- {self.link()}：{self.sentence()}" if self.chinese else f"- {self.link()}: {self.sentence()}")
            elif roll < 0.45:
                items.append(f"- `{self.rng.choice(['rustc', 'cargo', 'kubectl', 'mosn'])}`")
            elif roll < 0.55:
                items.append(f"- {self.rng.choice(['target/loongarch', 'src/main.rs', 'pkg/server', 'docs/README.md'])}")
            else:
                items.append(f"- {self.sentence()}")
        return "\n".join(items)

    def table(self):
        rows = ["| 项目 | 版本 | 说明 |" if self.chinese else "| project | version | notes |", "|---|---|---|"]
        for _ in range(self.rng.randint(2, 5)):
            rows.append(f"| {self.rng.choice(TAGS)} | v{self.rng.randint(0, 3)}.{self.rng.randint(0, 20)} | {self.sentence()} |")
        return "\n".join(rows)

    def code(self):
        lang = self.rng.choice(LANGS)
        lines = [self.rng.choice(CODE[lang]) for _ in range(self.rng.randint(3, 12))]
        return f"```{lang}\n" + "\n".join(lines) + "\n```"

    def heading(self):
        level = self.rng.choice("##") + self.rng.choice(["", "#"])
        words = self.zh_sentence()[:12].rstrip("。，；！？") if self.chinese else " ".join(self.en_word() for _ in range(3)).title()
        return f"{level} {words}"

    def title(self):
        if self.chinese:
            return f"SOFA Weekly | {self.zipf(ZH_WORDS)}{self.zipf(ZH_WORDS)}、{self.zipf(ZH_WORDS)}"
        return "Weekly: " + " ".join(self.en_word() for _ in range(4)).title()


# How many blocks of each kind each language's pool holds. Posts are assembled from the
# pools (a fresh sentence and link of their own added), which keeps the generator fast
# enough for 100,000 posts (about 1.9 GB) while each post's text stays varied: a post of
# 19 KB draws about 30 blocks from thousands.
POOL_SIZES = {"paragraph": 3000, "list_block": 800, "heading": 600, "code": 200, "table": 300}
BLOCK_WEIGHTS = [("paragraph", 3), ("list_block", 1), ("heading", 1), ("code", 1), ("table", 1)]


def build_pools(seed):
    pools = {}
    for chinese in (True, False):
        rng = random.Random(seed * 7919 + chinese)
        w = Writer(rng, chinese)
        pools[chinese] = {kind: [getattr(w, kind)() for _ in range(n)] for kind, n in POOL_SIZES.items()}
    return pools


def post(index, seed, pools):
    rng = random.Random(seed * 1_000_003 + index)
    chinese = index % 2 == 0
    w = Writer(rng, chinese)
    pool = pools[chinese]
    # Log-normal around a mean of about 19 KB, clamped to 2–200 KB.
    target = int(min(200_000, max(2_000, rng.lognormvariate(math.log(14_000), 0.75))))
    day = 1 + rng.randrange(365 * 10)
    year = 2016 + day // 365
    month = 1 + (day % 365) // 31
    mday = 1 + (day % 365) % 28
    tags = rng.sample(TAGS, rng.randint(1, 4))
    title = w.title()
    out = [
        "---",
        f"title: \"{title}\"",
        f"date: {year}-{month:02d}-{mday:02d}",
        "tags: [" + ", ".join(tags) + "]",
        "---",
        "",
        w.paragraph(),
        "",
    ]
    size = sum(len(part.encode()) + 1 for part in out)
    kinds = [kind for kind, weight in BLOCK_WEIGHTS for _ in range(weight)]
    while size < target:
        block = rng.choice(pool[rng.choice(kinds)])
        if rng.random() < 0.2:
            block = f"{block}\n\n{w.link()}"
        out.append(block)
        out.append("")
        size += len(block.encode()) + 2
    rel = f"{year}/{year}-{month:02d}-{mday:02d}-{'zh' if chinese else 'en'}-{index:06d}.md"
    return rel, "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description="write a synthetic newsletter archive")
    parser.add_argument("count", type=int)
    parser.add_argument("dir")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    total = 0
    pools = build_pools(args.seed)
    for index in range(args.count):
        rel, text = post(index, args.seed, pools)
        path = os.path.join(args.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode()
        with open(path, "wb") as f:
            f.write(data)
        total += len(data)
    print(f"wrote {args.count} posts to {args.dir}: {total} bytes ({total / 1e6:.1f} MB), "
          f"{total / max(1, args.count) / 1e3:.1f} KB a post", file=sys.stderr)


if __name__ == "__main__":
    main()
