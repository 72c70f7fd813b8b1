/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-script"

#include "config.h"

#include "hs-script.h"


#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *
hs_script_read_text (const char  *path,
                     gsize       *out_length,
                     GError     **error)
{
  g_autofree char *text = NULL;
  struct stat st;
  gsize length = 0;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  /* Opened first and checked after: the file checked is the file read. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "cannot read the script %s: %s", path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s is not a script: not a regular file", path);
      return NULL;
    }
  if ((guint64) st.st_size > HS_SCRIPT_MAX_BYTES)
    {
      close (fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s is not a script: %" G_GINT64_FORMAT " bytes, more than the %u MiB a "
                   "script may have", path, (gint64) st.st_size, HS_SCRIPT_MAX_BYTES >> 20);
      return NULL;
    }
  /* Read at most one byte past the limit: a file that grew since fstat() is still bounded. */
  text = g_malloc (HS_SCRIPT_MAX_BYTES + 1);
  while (length <= HS_SCRIPT_MAX_BYTES)
    {
      gssize n = read (fd, text + length, HS_SCRIPT_MAX_BYTES + 1 - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "cannot read the script %s: %s", path, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      length += n;
    }
  close (fd);
  if (length > HS_SCRIPT_MAX_BYTES)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s is not a script: more than %u MiB", path, HS_SCRIPT_MAX_BYTES >> 20);
      return NULL;
    }
  if (!g_utf8_validate_len (text, length, NULL))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s is not a script: not text (invalid UTF-8)", path);
      return NULL;
    }
  /* The file is usually far smaller than the most a script may be. */
  text = g_realloc (g_steal_pointer (&text), length + 1);
  text[length] = 0;
  *out_length = length;
  return g_steal_pointer (&text);
}
