// libqrencode (Debian: libqrencode-dev): a well-kept QR encoder, not one of our own.
#include <qrencode.h>
