/* floor.c — the floor of the capture benchmark: a bare libpcap read loop
 * (pcap_open_offline, pcap_next_ex counting packets and bytes), what no
 * pcap-reading tool can beat.
 *
 *   floor FILE [FILE ...]      prints "packets N bytes B"
 */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    unsigned long long pkts = 0, bytes = 0;
    char err[PCAP_ERRBUF_SIZE];
    if (argc < 2) {
        fprintf(stderr, "usage: floor FILE [FILE ...]\n");
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
