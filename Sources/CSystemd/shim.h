// libsystemd (Debian: libsystemd-dev): sd_notify, the watchdog, the journal, machine ids.
#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>
