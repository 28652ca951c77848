/* gen_capture.c — a seeded, deterministic generator of a realistic capture
 * for the capture benchmark (bench/run.sh), and of the alerts typosentry
 * must raise on it with the default configuration.
 *
 *   gen_capture [--vxlan] OUT.pcap [SIZE_MB [SEED [DOMAINS_FILE]]]
 *
 * With --vxlan every frame is sent as a cloud traffic mirror sends it:
 * inside VXLAN (VNI 100, UDP port 4789) from one VTEP, 198.51.100.1, to
 * the sensor's, 198.51.100.2, the outer UDP source port a hash of the
 * inner addresses and ports (RFC 7348 5).  The traffic inside is made as
 * without it; SIZE_MB counts the VXLAN headers too, so there are fewer
 * packets, and the .truth file says how many alerts they hold.
 *
 * Writes OUT.pcap (classic pcap, Ethernet) of about SIZE_MB megabytes
 * (default 50) and OUT.truth, "key value" lines: alerts (the exact number
 * of alert records, incident summaries 1610200 excluded), dns_alerts,
 * smtp_alerts, packets, bytes, per-name counts.  Only libc.
 *
 * Traffic, by packets: about 60% DNS over UDP port 53 (a query and its
 * response; A, AAAA, MX, TXT with 5% MX; some NXDOMAIN), SMTP sessions on
 * TCP port 25 (handshake, banner, EHLO, MAIL FROM, one to three RCPT TO,
 * DATA with a 2-20 KB body in MSS-sized segments, QUIT, FIN both ways,
 * correct sequence and acknowledgement numbers) and bulk TCP on port 443
 * (TLS-looking records of random bytes in full-size segments); IPv4 and
 * IPv6 mixed.  Up to 24 sessions are open at once and their packets are
 * interleaved; time advances by a few microseconds per packet.
 *
 * Typo names (a fixed list) appear as MX questions (each message alerts:
 * the query and the response), as A questions (no alert: MX is the only
 * alerting type by default) and as RCPT TO domains (each accepted one
 * alerts).  Names come from DOMAINS_FILE (default
 * ../shared/data/benign-domains.txt) when it can be read, else are made
 * up.  Nothing else in the capture names a typo.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG: splitmix64 ---- */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static uint32_t rn(uint32_t n) { return (uint32_t)(rnd() % n); }
static int chance(double p) { return (double)(rnd() >> 11) / 9007199254740992.0 < p; }

/* ---- names ---- */
static char **names;
static size_t n_names;

static void load_names(const char *path)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    char line[512];
    size_t cap = 0;
    if (f) {
        while (fgets(line, sizeof line, f)) {
            size_t l = strcspn(line, " \t\r\n#");
            if (l < 4 || l > 200 || !strchr(line, '.'))
                continue;
            line[l] = 0;
            if (n_names == cap) {
                cap = cap ? cap * 2 : 1024;
                names = realloc(names, cap * sizeof *names);
                if (!names) { perror("realloc"); exit(1); }
            }
            names[n_names++] = strdup(line);
        }
        fclose(f);
    }
    if (n_names == 0) {
        /* made-up names: syllables, a TLD no rule protects */
        static const char *syl[] = { "ka", "lo", "mer", "tis", "van", "dro",
            "pel", "quin", "sor", "bex", "nu", "rat", "zel", "fo", "gri" };
        static const char *tld[] = { "example", "test", "invalid" };
        n_names = 5000;
        names = calloc(n_names, sizeof *names);
        for (size_t i = 0; i < n_names; i++) {
            char b[64];
            int k = 2 + (int)rn(3), o = 0;
            for (int j = 0; j < k; j++)
                o += snprintf(b + o, sizeof b - (size_t)o, "%s", syl[rn(15)]);
            snprintf(b + o, sizeof b - (size_t)o, ".%s", tld[rn(3)]);
            names[i] = strdup(b);
        }
    }
}
static const char *benign(void) { return names[rn((uint32_t)n_names)]; }

static const char *typos[] = { "army.ml", "gmial.com", "gmai.com", "outlook.co",
                               "yahooo.com" };
#define N_TYPOS 5
static uint64_t typo_mx_msgs[N_TYPOS], typo_a_msgs[N_TYPOS], typo_rcpt[N_TYPOS];
static uint64_t dns_alerts, smtp_alerts;

/* ---- packets ---- */
#define MAXPKT 1514
typedef struct { uint16_t len; uint8_t b[MAXPKT]; } pkt_t;
typedef struct {
    pkt_t *p;
    size_t n, cap, next;
    int kind;               /* 0 DNS, 1 SMTP, 2 bulk */
} sess_t;

static pkt_t *sess_add(sess_t *s)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->p = realloc(s->p, s->cap * sizeof *s->p);
        if (!s->p) { perror("realloc"); exit(1); }
    }
    return &s->p[s->n++];
}

typedef struct {
    int v6;
    uint8_t a[16], b[16];   /* endpoint addresses (4 or 16 bytes) */
    uint16_t pa, pb;
} ends_t;

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)(p[n - 1] << 8);
    return s;
}
static uint16_t csum_fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* Build Ethernet + IP + L4 header + payload; dir 0 a->b, 1 b->a.
 * proto 17 or 6; for TCP, seq/ack/flags. */
static void build(sess_t *s, const ends_t *e, int dir, int proto, uint32_t seq,
                  uint32_t ack, uint8_t flags, const uint8_t *pl, size_t plen)
{
    pkt_t *k = sess_add(s);
    uint8_t *p = k->b;
    const uint8_t *src = dir ? e->b : e->a, *dst = dir ? e->a : e->b;
    uint16_t sp = dir ? e->pb : e->pa, dp = dir ? e->pa : e->pb;
    size_t l4h = proto == 6 ? (flags & 0x02 ? 24 : 20) : 8;
    size_t iph = e->v6 ? 40 : 20;
    size_t l4len = l4h + plen;
    static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0x10, 0x01 },
                         mac_b[6] = { 0x02, 0, 0, 0, 0x20, 0x02 };
    memcpy(p, dir ? mac_a : mac_b, 6);
    memcpy(p + 6, dir ? mac_b : mac_a, 6);
    put16(p + 12, e->v6 ? 0x86dd : 0x0800);
    uint8_t *ip = p + 14, *l4 = ip + iph;
    if (e->v6) {
        put32(ip, 0x60000000);
        put16(ip + 4, (uint32_t)l4len);
        ip[6] = (uint8_t)proto;
        ip[7] = 64;
        memcpy(ip + 8, src, 16);
        memcpy(ip + 24, dst, 16);
    } else {
        static uint16_t ipid;
        ip[0] = 0x45; ip[1] = 0;
        put16(ip + 2, (uint32_t)(20 + l4len));
        put16(ip + 4, ipid++);
        put16(ip + 6, proto == 6 ? 0x4000 : 0);
        ip[8] = 64; ip[9] = (uint8_t)proto;
        put16(ip + 10, 0);
        memcpy(ip + 12, src, 4);
        memcpy(ip + 16, dst, 4);
        put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
    }
    put16(l4, sp);
    put16(l4 + 2, dp);
    size_t ckoff;
    if (proto == 6) {
        put32(l4 + 4, seq);
        put32(l4 + 8, ack);
        l4[12] = (uint8_t)((l4h / 4) << 4);
        l4[13] = flags;
        put16(l4 + 14, 64240);
        put16(l4 + 16, 0);
        put16(l4 + 18, 0);
        if (l4h == 24) {          /* MSS option on SYN and SYN-ACK */
            l4[20] = 2; l4[21] = 4;
            put16(l4 + 22, e->v6 ? 1440 : 1460);
        }
        ckoff = 16;
    } else {
        put16(l4 + 4, (uint32_t)l4len);
        put16(l4 + 6, 0);
        ckoff = 6;
    }
    if (plen)
        memcpy(l4 + l4h, pl, plen);
    /* pseudo-header checksum */
    uint32_t cs = 0;
    size_t al = e->v6 ? 16 : 4;
    cs = csum_add(cs, src, al);
    cs = csum_add(cs, dst, al);
    cs += (uint32_t)proto;
    cs += (uint32_t)l4len;
    cs = csum_add(cs, l4, l4len);
    uint16_t c = csum_fold(cs);
    if (proto == 17 && c == 0)
        c = 0xffff;
    put16(l4 + ckoff, c);
    k->len = (uint16_t)(14 + iph + l4len);
}

static void client_addr(ends_t *e, int v6)
{
    e->v6 = v6;
    memset(e->a, 0, 16);
    if (v6) {
        static const uint8_t pre[8] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0 };
        memcpy(e->a, pre, 8);
        uint64_t r = rnd();
        memcpy(e->a + 8, &r, 8);
    } else {
        e->a[0] = 10; e->a[1] = 1;
        e->a[2] = (uint8_t)rn(256); e->a[3] = (uint8_t)(1 + rn(254));
    }
}
static void server_addr(ends_t *e, int v6, uint8_t net, uint8_t host)
{
    memset(e->b, 0, 16);
    if (v6) {
        static const uint8_t pre[6] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0 };
        memcpy(e->b, pre, 6);
        e->b[6] = net;
        e->b[15] = host;
    } else {
        e->b[0] = 10; e->b[1] = net; e->b[2] = 0; e->b[3] = host;
    }
}
static uint16_t eph_port(void) { return (uint16_t)(32768 + rn(28231)); }

/* ---- DNS ---- */
static size_t put_name(uint8_t *p, const char *name)
{
    size_t o = 0;
    while (*name) {
        size_t l = strcspn(name, ".");
        p[o++] = (uint8_t)l;
        memcpy(p + o, name, l);
        o += l;
        name += l;
        if (*name == '.')
            name++;
    }
    p[o++] = 0;
    return o;
}

static void gen_dns(sess_t *s)
{
    ends_t e;
    int v6 = chance(0.3);
    client_addr(&e, v6);
    server_addr(&e, v6, 53, (uint8_t)(53 + rn(2)));
    e.pa = eph_port();
    e.pb = 53;
    uint16_t qtype;
    uint32_t r = rn(1000);
    const char *name;
    int typo = -1;
    if (r < 50)
        qtype = 15;             /* MX: 5% */
    else if (r < 650)
        qtype = 1;
    else if (r < 900)
        qtype = 28;
    else
        qtype = 16;
    if ((qtype == 15 || qtype == 1) && chance(qtype == 15 ? 0.05 : 0.001)) {
        typo = (int)rn(N_TYPOS);
        name = typos[typo];
        if (qtype == 15) {
            typo_mx_msgs[typo] += 2;
            dns_alerts += 2;
        } else {
            typo_a_msgs[typo] += 2;
        }
    } else {
        name = benign();
    }
    uint8_t m[600];
    uint16_t id = (uint16_t)rnd();
    put16(m, id);
    put16(m + 2, 0x0100);
    put16(m + 4, 1); put16(m + 6, 0); put16(m + 8, 0); put16(m + 10, 0);
    size_t o = 12 + put_name(m + 12, name);
    put16(m + o, qtype); put16(m + o + 2, 1);
    o += 4;
    size_t qend = o;
    build(s, &e, 0, 17, 0, 0, 0, m, o);
    /* response */
    int nx = typo < 0 && chance(0.03);
    put16(m + 2, nx ? 0x8183 : 0x8180);
    int an = nx ? 0 : 1 + (int)rn(2);
    put16(m + 6, (uint32_t)an);
    o = qend;
    for (int i = 0; i < an; i++) {
        put16(m + o, 0xc00c); put16(m + o + 2, qtype); put16(m + o + 4, 1);
        put32(m + o + 6, 300 + rn(3300));
        o += 10;
        uint8_t *rd = m + o + 2;
        size_t rl;
        if (qtype == 1) {
            rd[0] = 198; rd[1] = 51; rd[2] = 100; rd[3] = (uint8_t)rn(256);
            rl = 4;
        } else if (qtype == 28) {
            static const uint8_t pre[4] = { 0x20, 0x01, 0x0d, 0xb8 };
            memset(rd, 0, 16);
            memcpy(rd, pre, 4);
            uint64_t x = rnd();
            memcpy(rd + 8, &x, 8);
            rl = 16;
        } else if (qtype == 15) {
            put16(rd, (uint32_t)(10 * (i + 1)));
            rd[2] = 3; memcpy(rd + 3, i ? "mx2" : "mx1", 3);
            put16(rd + 6, 0xc00c);
            rl = 8;
        } else {
            char txt[200];
            int tl = snprintf(txt, sizeof txt, "v=spf1 include:_spf.%s ~all",
                              benign());
            if (tl > 200) tl = 200;
            rd[0] = (uint8_t)tl;
            memcpy(rd + 1, txt, (size_t)tl);
            rl = (size_t)tl + 1;
        }
        put16(m + o, (uint32_t)rl);
        o += 2 + rl;
    }
    build(s, &e, 1, 17, 0, 0, 0, m, o);
}

/* ---- TCP sessions ---- */
typedef struct {
    ends_t e;
    uint32_t seq[2];        /* next sequence number each way */
    int mss;
    sess_t *s;
} tcp_t;

#define F_FIN 0x01
#define F_SYN 0x02
#define F_PSH 0x08
#define F_ACK 0x10

static void tcp_open(tcp_t *t)
{
    t->seq[0] = (uint32_t)rnd();
    t->seq[1] = (uint32_t)rnd();
    t->mss = t->e.v6 ? 1440 : 1460;
    build(t->s, &t->e, 0, 6, t->seq[0], 0, F_SYN, NULL, 0);
    t->seq[0]++;
    build(t->s, &t->e, 1, 6, t->seq[1], t->seq[0], F_SYN | F_ACK, NULL, 0);
    t->seq[1]++;
    build(t->s, &t->e, 0, 6, t->seq[0], t->seq[1], F_ACK, NULL, 0);
}
/* data from dir in MSS-sized segments; the peer ACKs every second one */
static void tcp_data(tcp_t *t, int dir, const uint8_t *d, size_t n)
{
    int segs = 0;
    while (n) {
        size_t c = n < (size_t)t->mss ? n : (size_t)t->mss;
        build(t->s, &t->e, dir, 6, t->seq[dir], t->seq[!dir],
              (uint8_t)(F_ACK | (c == n ? F_PSH : 0)), d, c);
        t->seq[dir] += (uint32_t)c;
        d += c;
        n -= c;
        if (++segs % 2 == 0 && n)
            build(t->s, &t->e, !dir, 6, t->seq[!dir], t->seq[dir], F_ACK, NULL, 0);
    }
}
static void tcp_str(tcp_t *t, int dir, const char *str)
{
    tcp_data(t, dir, (const uint8_t *)str, strlen(str));
}
static void tcp_ack(tcp_t *t, int dir)
{
    build(t->s, &t->e, dir, 6, t->seq[dir], t->seq[!dir], F_ACK, NULL, 0);
}
/* server (dir 1) closes first, then the client */
static void tcp_close(tcp_t *t)
{
    build(t->s, &t->e, 1, 6, t->seq[1], t->seq[0], F_FIN | F_ACK, NULL, 0);
    t->seq[1]++;
    build(t->s, &t->e, 0, 6, t->seq[0], t->seq[1], F_FIN | F_ACK, NULL, 0);
    t->seq[0]++;
    build(t->s, &t->e, 1, 6, t->seq[1], t->seq[0], F_ACK, NULL, 0);
}

static const char *users[] = { "alice", "bob", "carol", "dave", "erin", "frank",
    "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy",
    "rupert", "sybil", "trent", "victor", "walter", "billing", "support",
    "noreply", "info", "sales" };
#define N_USERS (sizeof users / sizeof *users)

static char bodybuf[21000];

static void gen_smtp(sess_t *s)
{
    tcp_t t = { .s = s };
    int v6 = chance(0.3);
    client_addr(&t.e, v6);
    server_addr(&t.e, v6, 25, (uint8_t)(1 + rn(20)));
    t.e.pa = eph_port();
    t.e.pb = 25;
    tcp_open(&t);
    char line[600];
    const char *srv = benign(), *cli = benign(), *from = benign();
    snprintf(line, sizeof line, "220 mx.%s ESMTP Postfix\r\n", srv);
    tcp_str(&t, 1, line);
    snprintf(line, sizeof line, "EHLO mail.%s\r\n", cli);
    tcp_str(&t, 0, line);
    snprintf(line, sizeof line, "250-mx.%s\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
             "250-8BITMIME\r\n250 SMTPUTF8\r\n", srv);
    tcp_str(&t, 1, line);
    snprintf(line, sizeof line, "MAIL FROM:<%s@%s>\r\n", users[rn(N_USERS)], from);
    tcp_str(&t, 0, line);
    tcp_str(&t, 1, "250 2.1.0 Ok\r\n");
    int nr = 1 + (int)rn(3);
    for (int i = 0; i < nr; i++) {
        const char *dom;
        if (chance(0.03)) {
            int ty = (int)rn(N_TYPOS);
            dom = typos[ty];
            typo_rcpt[ty]++;
            smtp_alerts++;
        } else {
            dom = benign();
        }
        snprintf(line, sizeof line, "RCPT TO:<%s@%s>\r\n", users[rn(N_USERS)], dom);
        tcp_str(&t, 0, line);
        tcp_str(&t, 1, "250 2.1.5 Ok\r\n");
    }
    tcp_str(&t, 0, "DATA\r\n");
    tcp_str(&t, 1, "354 End data with <CR><LF>.<CR><LF>\r\n");
    size_t blen = 2048 + rn(18 * 1024);
    int o = snprintf(bodybuf, sizeof bodybuf,
                     "From: <%s@%s>\r\nTo: undisclosed-recipients:;\r\n"
                     "Subject: report %08x\r\nMessage-ID: <%016llx@%s>\r\n"
                     "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n",
                     users[rn(N_USERS)], from, (unsigned)rn(0xffffffffu),
                     (unsigned long long)rnd(), from);
    size_t b = (size_t)o;
    static const char words[] = "the quarterly figures attached as agreed "
        "please review before the meeting on thursday regards lorem ipsum "
        "dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ";
    while (b + 80 < blen) {
        size_t col = 0;
        while (col < 70) {
            size_t w = rn(sizeof words - 12);
            size_t l = 3 + rn(8);
            memcpy(bodybuf + b, words + w, l);
            b += l;
            col += l;
        }
        memcpy(bodybuf + b, "\r\n", 2);
        b += 2;
    }
    for (size_t i = 0; i < b; i++)      /* no line starts with '.' */
        if (bodybuf[i] == '.')
            bodybuf[i] = ',';
    memcpy(bodybuf + b, "\r\n.\r\n", 5);
    b += 5;
    tcp_data(&t, 0, (const uint8_t *)bodybuf, b);
    tcp_ack(&t, 1);
    snprintf(line, sizeof line, "250 2.0.0 Ok: queued as %010llX\r\n",
             (unsigned long long)(rnd() & 0xffffffffffULL));
    tcp_str(&t, 1, line);
    tcp_str(&t, 0, "QUIT\r\n");
    tcp_str(&t, 1, "221 2.0.0 Bye\r\n");
    tcp_close(&t);
}

static uint8_t randbuf[64 * 1024];

static void gen_bulk(sess_t *s)
{
    tcp_t t = { .s = s };
    int v6 = chance(0.3);
    client_addr(&t.e, v6);
    server_addr(&t.e, v6, 44, (uint8_t)(1 + rn(50)));
    t.e.pa = eph_port();
    t.e.pb = 443;
    tcp_open(&t);
    size_t n = 300 + rn(200);
    for (size_t i = 0; i < n; i += 8) {
        uint64_t x = rnd();
        memcpy(randbuf + i, &x, 8);
    }
    randbuf[0] = 0x16; randbuf[1] = 3; randbuf[2] = 1;   /* a TLS record */
    tcp_data(&t, 0, randbuf, n);
    size_t total = 20000 + rn(120000);
    while (total) {
        size_t c = total < 16384 ? total : 16384;
        for (size_t i = 0; i < c; i += 8) {
            uint64_t x = rnd();
            memcpy(randbuf + i, &x, 8);
        }
        randbuf[0] = 0x17; randbuf[1] = 3; randbuf[2] = 3;
        put16(randbuf + 3, (uint32_t)(c - 5));
        tcp_data(&t, 1, randbuf, c);
        total -= c;
    }
    tcp_ack(&t, 0);
    tcp_close(&t);
}

/* ---- output ---- */
static FILE *out;
static uint64_t out_pkts, out_bytes, ts_us;
static int vxlan;           /* --vxlan: every frame inside VXLAN */

#define VXLAN_HDRS (14 + 20 + 8 + 8)

/* The outer Ethernet, IPv4, UDP and VXLAN headers of an inner frame. */
static void vxlan_headers(uint8_t *o, const pkt_t *k)
{
    static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
    size_t ulen = 8 + 8 + k->len;
    uint32_t h = 2166136261u;           /* FNV-1a of the inner 5-tuple's bytes */

    for (size_t i = 14 + 12; i < 14 + 24 && i < k->len; i++)
        h = (h ^ k->b[i]) * 16777619u;
    memset(o, 0, VXLAN_HDRS);
    memcpy(o, macs, 12);
    put16(o + 12, 0x0800);
    uint8_t *ip = o + 14;
    ip[0] = 0x45;
    put16(ip + 2, (uint32_t)(20 + ulen));
    ip[8] = 64;
    ip[9] = 17;
    ip[12] = 198; ip[13] = 51; ip[14] = 100; ip[15] = 1;
    ip[16] = 198; ip[17] = 51; ip[18] = 100; ip[19] = 2;
    put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
    uint8_t *udp = ip + 20;
    put16(udp, 49152 + (h & 0x3fff));
    put16(udp + 2, 4789);
    put16(udp + 4, (uint32_t)ulen);     /* checksum 0: allowed over IPv4 */
    udp[8] = 0x08;                      /* I: the VNI is valid */
    put32(udp + 12, 100u << 8);
}

static void emit(const pkt_t *k)
{
    /* inter-arrival: mostly a few microseconds, sometimes a pause */
    ts_us += 1 + rn(12) + (chance(0.01) ? rn(2000) : 0);
    uint32_t len = k->len + (vxlan ? VXLAN_HDRS : 0);
    uint32_t h[4] = { (uint32_t)(ts_us / 1000000), (uint32_t)(ts_us % 1000000),
                      len, len };
    fwrite(h, 4, 4, out);
    if (vxlan) {
        uint8_t o[VXLAN_HDRS];
        vxlan_headers(o, k);
        fwrite(o, 1, sizeof o, out);
    }
    fwrite(k->b, 1, k->len, out);
    out_pkts++;
    out_bytes += 16 + len;
}

#define POOL 24

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--vxlan") == 0) {
        vxlan = 1;
        argv++;
        argc--;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: gen_capture [--vxlan] OUT.pcap [SIZE_MB [SEED [DOMAINS_FILE]]]\n");
        return 2;
    }
    const char *path = argv[1];
    double mb = argc > 2 ? atof(argv[2]) : 50;
    rng_state = argc > 3 ? strtoull(argv[3], NULL, 0) : 6;
    load_names(argc > 4 ? argv[4] : "../shared/data/benign-domains.txt");
    uint64_t target = (uint64_t)(mb * 1e6);

    out = fopen(path, "wb");
    if (!out) { perror(path); return 1; }
    setvbuf(out, NULL, _IOFBF, 1 << 20);
    uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
    fwrite(gh, 4, 6, out);
    out_bytes = 24;
    ts_us = 1700000000ULL * 1000000ULL;

    /* packet budget by kind: DNS 60%, SMTP 15%, bulk 25% */
    static const double share[3] = { 0.60, 0.15, 0.25 };
    uint64_t made[3] = { 0, 0, 0 };
    sess_t pool[POOL];
    memset(pool, 0, sizeof pool);
    int open = 0;
    int draining = 0;
    for (;;) {
        if (!draining && out_bytes >= target)
            draining = 1;
        /* refill the pool */
        while (!draining && open < POOL) {
            uint64_t tot = made[0] + made[1] + made[2] + 1;
            int kind = 0;
            double worst = 1e9;
            for (int k = 0; k < 3; k++) {
                double d = (double)made[k] / (double)tot - share[k];
                if (d < worst) { worst = d; kind = k; }
            }
            sess_t *s = &pool[open++];
            s->n = s->next = 0;
            s->kind = kind;
            if (kind == 0) gen_dns(s);
            else if (kind == 1) gen_smtp(s);
            else gen_bulk(s);
            made[kind] += s->n;
        }
        if (open == 0)
            break;
        int i = (int)rn((uint32_t)open);
        sess_t *s = &pool[i];
        emit(&s->p[s->next++]);
        if (s->next == s->n) {
            sess_t tmp = pool[i];
            pool[i] = pool[open - 1];
            pool[open - 1] = tmp;
            open--;
        }
    }
    fclose(out);

    char tpath[4096];
    snprintf(tpath, sizeof tpath, "%s", path);
    char *dot = strrchr(tpath, '.');
    if (dot && !strchr(dot, '/'))
        *dot = 0;
    strncat(tpath, ".truth", sizeof tpath - strlen(tpath) - 1);
    FILE *t = fopen(tpath, "w");
    if (!t) { perror(tpath); return 1; }
    fprintf(t, "alerts %llu\n", (unsigned long long)dns_alerts + smtp_alerts);
    fprintf(t, "dns_alerts %llu\n", (unsigned long long)dns_alerts);
    fprintf(t, "smtp_alerts %llu\n", (unsigned long long)smtp_alerts);
    fprintf(t, "packets %llu\n", (unsigned long long)out_pkts);
    fprintf(t, "bytes %llu\n", (unsigned long long)out_bytes);
    fprintf(t, "packets_dns %llu\npackets_smtp %llu\npackets_bulk %llu\n",
            (unsigned long long)made[0], (unsigned long long)made[1],
            (unsigned long long)made[2]);
    for (int i = 0; i < N_TYPOS; i++)
        fprintf(t, "typo %s mx_messages %llu a_messages %llu rcpt %llu\n", typos[i],
                (unsigned long long)typo_mx_msgs[i], (unsigned long long)typo_a_msgs[i],
                (unsigned long long)typo_rcpt[i]);
    fclose(t);
    fprintf(stderr, "gen_capture: %s: %llu packets, %.1f MB, %llu alerts expected\n",
            path, (unsigned long long)out_pkts, out_bytes / 1e6,
            (unsigned long long)dns_alerts + smtp_alerts);
    return 0;
}
