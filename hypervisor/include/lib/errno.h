/* SPDX-License-Identifier: BSD-3-Clause */
/* Error numbers: functions return 0 or a negative errno value (Linux numbering, as ACRN's ABI uses). */
#ifndef CAIRN_LIB_ERRNO_H
#define CAIRN_LIB_ERRNO_H

#define EPERM	  1
#define ENOENT	  2
#define EIO	  5
#define E2BIG	  7
#define ENOMEM	  12
#define EFAULT	  14
#define EBUSY	  16
#define EEXIST	  17
#define ENODEV	  19
#define EINVAL	  22
#define ENOSPC	  28
#define ERANGE	  34
#define ENOTTY	  25
#define ENOSYS	  38
#define ETIMEDOUT 110

#endif
