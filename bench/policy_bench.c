/*
 * policy_bench.c — a load client for `typosentry policyd`: N connections
 * (default 50), each with one request in flight at a time, as N smtpd
 * processes would keep them; for S seconds (after one second of warm-up)
 * it counts decisions and measures each one's latency, from the first
 * byte sent to the reply's last byte.
 *
 *   policy_bench unix:/path | inet:127.0.0.1:PORT [CONNECTIONS [SECONDS
 *       [RATE]]]
 *
 * RATE 0 (the default): each connection sends its next request as soon as
 * the reply to the last one is in, the most the service can answer (and
 * then, by Little's law, the latency is CONNECTIONS / rate).  RATE N: the
 * connections together offer N requests a second, evenly spaced, as
 * smtpd processes that also talk SMTP do; the latency is then what one
 * request waits at that load.
 *
 * One request in TYPO_EVERY names a typo recipient (army.ml, gmial.com,
 * ...: an EVE alert each), the others real ones.  Prints one line:
 * "decisions/s N p50_us N p99_us N max_us N connections N typos N".
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define TYPO_EVERY	10
#define HIST_US		100000		/* latencies up to 100 ms, by µs */
#define MAX_CONNS	4096

struct client {
	int		 fd;
	char		 req[1024];
	size_t		 req_len, sent;
	char		 in[1024];
	size_t		 in_len;
	int64_t		 t0;		/* ns: the request's first byte */
	int64_t		 next_at;	/* ns: when to send (RATE), 0 sent */
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const char *const good[] = {
	"friend@gmail.com", "ops@army.mil", "a.b@example.org", "x@yahoo.com",
	"hq@navy.mil", "team@outlook.com", "cfo@irs.gov", "m@proton.me",
	"n@gmx.de",
};
static const char *const typo[] = {
	"ops@army.ml", "friend@gmial.com", "a@gmail.co", "hq@navy.ml",
	"x@yahooo.com",
};

static int
connect_to(const char *addr)
{
	int fd;

	if (strncmp(addr, "unix:", 5) == 0) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", addr + 5);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sun,
		    sizeof(sun)) != 0) {
			close(fd);
			return -1;
		}
		return fd;
	}
	if (strncmp(addr, "inet:", 5) == 0) {
		char host[64];
		const char *colon = strrchr(addr + 5, ':');
		struct sockaddr_in sin = { .sin_family = AF_INET };
		int one = 1;
		if (colon == NULL || (size_t)(colon - addr - 5) >= sizeof(host))
			return -1;
		memcpy(host, addr + 5, (size_t)(colon - addr - 5));
		host[colon - addr - 5] = '\0';
		sin.sin_port = htons((uint16_t)atoi(colon + 1));
		if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
			return -1;
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0)
			(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sin,
		    sizeof(sin)) != 0) {
			close(fd);
			return -1;
		}
		return fd;
	}
	return -1;
}

static void
next_request(struct client *c, uint64_t n)
{
	const char *rcpt = n % TYPO_EVERY == 0 ?
	    typo[(n / TYPO_EVERY) % (sizeof(typo) / sizeof(typo[0]))] :
	    good[n % (sizeof(good) / sizeof(good[0]))];
	int len = snprintf(c->req, sizeof(c->req),
	    "request=smtpd_access_policy\nprotocol_state=RCPT\n"
	    "protocol_name=ESMTP\nhelo_name=client.example.org\nqueue_id=\n"
	    "sender=alice@example.org\nrecipient=%s\nrecipient_count=0\n"
	    "client_address=192.0.2.%u\nclient_name=unknown\n"
	    "reverse_client_name=unknown\ninstance=%llx.1\n"
	    "server_address=192.0.2.25\nserver_port=25\n\n", rcpt,
	    (unsigned)(n % 250) + 1, (unsigned long long)n);
	c->req_len = (size_t)len;
	c->sent = 0;
	c->in_len = 0;
	c->t0 = now_ns();
}

static int
send_some(struct client *c)
{
	while (c->sent < c->req_len) {
		ssize_t n = send(c->fd, c->req + c->sent, c->req_len - c->sent,
		    MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c->sent += (size_t)n;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static uint64_t hist[HIST_US + 1];
	struct client *cl;
	struct epoll_event evs[256];
	uint64_t n = 0, done = 0, typos = 0, counted = 0;
	int nconn = argc > 2 ? atoi(argv[2]) : 50;
	int secs = argc > 3 ? atoi(argv[3]) : 5;
	double rate = argc > 4 ? atof(argv[4]) : 0;
	int64_t interval = rate > 0 ? (int64_t)(1e9 * nconn / rate) : 0;
	int ep = -1, rc = 1;

	if (argc < 2 || nconn < 1 || nconn > MAX_CONNS || secs < 1) {
		fprintf(stderr, "usage: policy_bench unix:PATH|inet:HOST:PORT "
		    "[CONNECTIONS [SECONDS]]\n");
		return 2;
	}
	if ((cl = calloc((size_t)nconn, sizeof(*cl))) == NULL)
		return 1;
	for (int i = 0; i < nconn; i++)
		cl[i].fd = -1;
	if ((ep = epoll_create1(0)) < 0)
		goto out;
	for (int i = 0; i < nconn; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &cl[i] };
		if ((cl[i].fd = connect_to(argv[1])) < 0) {
			fprintf(stderr, "policy_bench: cannot connect to %s: %s\n",
			    argv[1], strerror(errno));
			goto out;
		}
		epoll_ctl(ep, EPOLL_CTL_ADD, cl[i].fd, &ev);
	}
	int64_t start = now_ns(), measure = start + 1000000000LL;
	int64_t end = measure + (int64_t)secs * 1000000000LL;
	int64_t t;
	/* The connections' first requests, spread over one interval. */
	for (int i = 0; i < nconn; i++)
		cl[i].next_at = start + (interval * i) / nconn;
	while ((t = now_ns()) < end) {
		int64_t wake = end;
		for (int i = 0; i < nconn; i++) {
			struct client *c = &cl[i];
			if (c->next_at == 0)
				continue;
			if (c->next_at <= t) {
				next_request(c, n++);
				c->next_at = 0;
				if (send_some(c) != 0)
					goto out;
			} else if (c->next_at < wake) {
				wake = c->next_at;
			}
		}
		struct timespec to = { (wake - t) / 1000000000,
		    (wake - t) % 1000000000 };
		int k = epoll_pwait2(ep, evs, 256, &to, NULL);
		for (int i = 0; i < k; i++) {
			struct client *c = evs[i].data.ptr;
			ssize_t r = recv(c->fd, c->in + c->in_len,
			    sizeof(c->in) - c->in_len - 1, 0);
			if (r <= 0) {
				fprintf(stderr, "policy_bench: connection "
				    "closed by policyd\n");
				goto out;
			}
			c->in_len += (size_t)r;
			if (c->in_len < 2 || c->in[c->in_len - 1] != '\n' ||
			    c->in[c->in_len - 2] != '\n')
				continue;
			int64_t now = now_ns();
			if (c->t0 >= measure && now < end) {
				int64_t us = (now - c->t0) / 1000;
				hist[us > HIST_US ? HIST_US : us]++;
				counted++;
				if (strncmp(c->in, "action=DUNNO", 12) != 0)
					typos++;
			}
			done++;
			if (interval > 0) {
				/* Its next slot; at once when already late. */
				c->next_at = c->t0 + interval;
				if (c->next_at <= now)
					c->next_at = now;
				continue;
			}
			next_request(c, n++);
			if (send_some(c) != 0)
				goto out;
		}
	}
	uint64_t p50 = 0, p99 = 0, max = 0, acc = 0;
	bool have50 = false, have99 = false;
	for (uint64_t us = 0; us <= HIST_US; us++) {
		if (hist[us] == 0)
			continue;
		acc += hist[us];
		max = us;
		if (!have50 && acc * 100 >= counted * 50) {
			p50 = us;
			have50 = true;
		}
		if (!have99 && acc * 100 >= counted * 99) {
			p99 = us;
			have99 = true;
		}
	}
	printf("decisions/s %.0f p50_us %llu p99_us %llu max_us %llu%s "
	    "connections %d offered %.0f typos %llu\n", (double)counted / secs,
	    (unsigned long long)p50, (unsigned long long)p99,
	    (unsigned long long)max, max == HIST_US ? "+" : "", nconn, rate,
	    (unsigned long long)typos);
	rc = 0;
out:
	for (int i = 0; i < nconn; i++)
		if (cl[i].fd >= 0)
			close(cl[i].fd);
	if (ep >= 0)
		close(ep);
	free(cl);
	(void)done;
	return rc;
}
