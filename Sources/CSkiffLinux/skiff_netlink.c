// rtnetlink requests for the pod network: bridge, veth pairs (one end created straight in the
// pod's network namespace), addresses, routes, link state. Written here, not taken from a
// library: the Swift package mirror has no netlink package, and spawning `ip` costs
// milliseconds per call and makes iproute2 a dependency of every pod start.
//
// A netlink socket acts in the network namespace it was created in, so the Swift side opens
// one per namespace (switching the calling thread briefly) and every call below is plain.
#define _GNU_SOURCE
#include "skiff_linux.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct nl_request {
    struct nlmsghdr header;
    char payload[1024];
};

static unsigned int nl_sequence;

int skiff_nl_open(void) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return -errno;
    struct sockaddr_nl local = {.nl_family = AF_NETLINK};
    if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
        int saved = errno;
        close(fd);
        return -saved;
    }
    return fd;
}

static void *nl_tail(struct nl_request *r) { return (char *)r + NLMSG_ALIGN(r->header.nlmsg_len); }

static void nl_init(struct nl_request *r, unsigned short type, unsigned short flags, const void *body, size_t len) {
    memset(r, 0, sizeof(*r));
    r->header.nlmsg_len = NLMSG_LENGTH(len);
    r->header.nlmsg_type = type;
    r->header.nlmsg_flags = NLM_F_REQUEST | flags;
    memcpy(NLMSG_DATA(&r->header), body, len);
}

static struct rtattr *nl_put(struct nl_request *r, unsigned short type, const void *data, size_t len) {
    struct rtattr *attribute = nl_tail(r);
    attribute->rta_type = type;
    attribute->rta_len = RTA_LENGTH(len);
    if (len) memcpy(RTA_DATA(attribute), data, len);
    r->header.nlmsg_len = NLMSG_ALIGN(r->header.nlmsg_len) + RTA_ALIGN(attribute->rta_len);
    return attribute;
}

static void nl_put_string(struct nl_request *r, unsigned short type, const char *text) {
    nl_put(r, type, text, strlen(text) + 1);
}

static void nl_put_u32(struct nl_request *r, unsigned short type, unsigned int value) {
    nl_put(r, type, &value, sizeof(value));
}

static void nl_nest_end(struct nl_request *r, struct rtattr *nest) {
    nest->rta_len = (unsigned short)((char *)nl_tail(r) - (char *)nest);
}

// Sends the request and reads until its answer: 0 or -errno from the kernel's ack, or (for a
// link query) the interface index of the RTM_NEWLINK reply.
static int nl_talk(int fd, struct nl_request *r) {
    r->header.nlmsg_seq = ++nl_sequence;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, r, r->header.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) return -errno;
    char buffer[8192];
    for (;;) {
        ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (unsigned int)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != r->header.nlmsg_seq) continue;
            if (h->nlmsg_type == NLMSG_ERROR) return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
            if (h->nlmsg_type == RTM_NEWLINK) return ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
        }
    }
}

int skiff_nl_link_index(int fd, const char *name) {
    struct nl_request r;
    struct ifinfomsg info = {.ifi_family = AF_UNSPEC};
    nl_init(&r, RTM_GETLINK, 0, &info, sizeof(info));
    nl_put_string(&r, IFLA_IFNAME, name);
    return nl_talk(fd, &r);
}

// Starts an RTM_NEWLINK request creating interface `name` of `kind`; returns the open
// IFLA_LINKINFO nest for kind-specific data.
static struct rtattr *nl_new_link(struct nl_request *r, const char *name, const char *kind) {
    struct ifinfomsg info = {.ifi_family = AF_UNSPEC};
    nl_init(r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &info, sizeof(info));
    nl_put_string(r, IFLA_IFNAME, name);
    struct rtattr *linkinfo = nl_put(r, IFLA_LINKINFO, NULL, 0);
    nl_put_string(r, IFLA_INFO_KIND, kind);
    return linkinfo;
}

int skiff_nl_bridge_add(int fd, const char *name) {
    struct nl_request r;
    nl_nest_end(&r, nl_new_link(&r, name, "bridge"));
    return nl_talk(fd, &r);
}

int skiff_nl_veth_add(int fd, const char *name, const char *peer, int peer_netns_fd) {
    struct nl_request r;
    struct ifinfomsg info = {.ifi_family = AF_UNSPEC};
    struct rtattr *linkinfo = nl_new_link(&r, name, "veth");
    struct rtattr *data = nl_put(&r, IFLA_INFO_DATA, NULL, 0);
    struct rtattr *peer_info = nl_put(&r, VETH_INFO_PEER, &info, sizeof(info));
    nl_put_string(&r, IFLA_IFNAME, peer);
    if (peer_netns_fd >= 0) nl_put_u32(&r, IFLA_NET_NS_FD, (unsigned int)peer_netns_fd);
    nl_nest_end(&r, peer_info);
    nl_nest_end(&r, data);
    nl_nest_end(&r, linkinfo);
    return nl_talk(fd, &r);
}

int skiff_nl_link_up(int fd, int index, int master_index) {
    struct nl_request r;
    struct ifinfomsg info = {.ifi_family = AF_UNSPEC, .ifi_index = index, .ifi_flags = IFF_UP, .ifi_change = IFF_UP};
    nl_init(&r, RTM_NEWLINK, NLM_F_ACK, &info, sizeof(info));
    if (master_index > 0) nl_put_u32(&r, IFLA_MASTER, (unsigned int)master_index);
    return nl_talk(fd, &r);
}

int skiff_nl_link_del(int fd, int index) {
    struct nl_request r;
    struct ifinfomsg info = {.ifi_family = AF_UNSPEC, .ifi_index = index};
    nl_init(&r, RTM_DELLINK, NLM_F_ACK, &info, sizeof(info));
    return nl_talk(fd, &r);
}

int skiff_nl_addr_add(int fd, int index, uint32_t address, int prefix) {
    struct nl_request r;
    struct ifaddrmsg info = {
        .ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)prefix, .ifa_index = (unsigned int)index};
    nl_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &info, sizeof(info));
    nl_put(&r, IFA_LOCAL, &address, sizeof(address));
    nl_put(&r, IFA_ADDRESS, &address, sizeof(address));
    return nl_talk(fd, &r);
}

int skiff_nl_route_default(int fd, uint32_t gateway, int index) {
    struct nl_request r;
    struct rtmsg info = {
        .rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
        .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST};
    nl_init(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &info, sizeof(info));
    nl_put(&r, RTA_GATEWAY, &gateway, sizeof(gateway));
    nl_put_u32(&r, RTA_OIF, (unsigned int)index);
    return nl_talk(fd, &r);
}
