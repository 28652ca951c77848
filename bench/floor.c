/* floor.c — the floor of the capture benchmark: a bare libpcap loop that
 * only counts packets, what no pcap tool can beat.
 *
 *   floor FILE [FILE ...]   pcap_open_offline, pcap_next_ex; prints
 *                           "packets N bytes B"
 *   floor -i IFACE          live, set up as typosentry sets up by default
 *                           (snap length 65535, 32 MB buffer, promiscuous,
 *                           100 ms timeout, no filter) until SIGINT or
 *                           SIGTERM; prints "packets N bytes B received R
 *                           dropped D ifdropped I" (pcap_stats)
 */
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static pcap_t *live;

static void
on_signal(int sig)
{
    (void)sig;
    if (live != NULL)
        pcap_breakloop(live);
}

static void
count(unsigned char *user, const struct pcap_pkthdr *h, const unsigned char *d)
{
    unsigned long long *n = (unsigned long long *)user;
    (void)d;
    n[0]++;
    n[1] += h->caplen;
}

static int
capture_live(const char *iface)
{
    char err[PCAP_ERRBUF_SIZE];
    unsigned long long n[2] = { 0, 0 };
    struct pcap_stat st;
    struct sigaction sa;

    if ((live = pcap_create(iface, err)) == NULL) {
        fprintf(stderr, "floor: %s\n", err);
        return 1;
    }
    pcap_set_snaplen(live, 65535);
    pcap_set_promisc(live, 1);
    pcap_set_buffer_size(live, 32 << 20);
    pcap_set_timeout(live, 100);
    if (pcap_activate(live) < 0) {
        fprintf(stderr, "floor: %s: %s\n", iface, pcap_geterr(live));
        pcap_close(live);
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;          /* no SA_RESTART: the loop returns */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    fprintf(stderr, "floor: capturing on %s\n", iface);
    while (pcap_dispatch(live, -1, count, (unsigned char *)n) >= 0)
        ;
    if (pcap_stats(live, &st) != 0) {
        fprintf(stderr, "floor: %s\n", pcap_geterr(live));
        pcap_close(live);
        return 1;
    }
    printf("packets %llu bytes %llu received %u dropped %u ifdropped %u\n",
           n[0], n[1], st.ps_recv, st.ps_drop, st.ps_ifdrop);
    pcap_close(live);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long long pkts = 0, bytes = 0;
    char err[PCAP_ERRBUF_SIZE];
    if (argc == 3 && strcmp(argv[1], "-i") == 0)
        return capture_live(argv[2]);
    if (argc < 2) {
        fprintf(stderr, "usage: floor FILE [FILE ...] | floor -i IFACE\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        pcap_t *p = pcap_open_offline(argv[i], err);
        if (!p) {
            fprintf(stderr, "floor: %s\n", err);
            return 1;
        }
        struct pcap_pkthdr *h;
        const unsigned char *d;
        int r;
        while ((r = pcap_next_ex(p, &h, &d)) == 1) {
            pkts++;
            bytes += h->caplen;
        }
        if (r == PCAP_ERROR)
            fprintf(stderr, "floor: %s: %s\n", argv[i], pcap_geterr(p));
        pcap_close(p);
    }
    printf("packets %llu bytes %llu\n", pkts, bytes);
    return 0;
}
