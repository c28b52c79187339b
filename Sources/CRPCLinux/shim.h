// Linux system calls the Glibc module does not export (they need _GNU_SOURCE or headers it
// leaves out): epoll, eventfd, accept4. Only RPCTransportTCP imports this module.
#ifndef CRPCLINUX_SHIM_H
#define CRPCLINUX_SHIM_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

#endif
