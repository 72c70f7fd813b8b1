/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-board"

#include "config.h"

#include "hs-board.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* TCG boots Xen and both guests in well under a minute on two cores; a cold build is not
 * counted here, only the time after QEMU started.  Extra tasks add a few seconds per
 * thousand (about 3 s for 1,000 per guest); the allowance is generous, and matches the
 * bound the guests' /init waits for them (0.1 s per task). */
#define BOOT_TIMEOUT_S   240
#define TASK_TIMEOUT_MS  100
#define MAX_EXTRA_TASKS  4000
#define POLL_MS          250
#define STDERR_LINES     20

static const char * const ready_markers[] = {
  "HYPERSCOPE-READY linux1",
  "HYPERSCOPE-READY linux2",
  NULL
};

struct _HsBoard
{
  GObject parent_instance;

  /* Owned */
  char *script;
  char *serial_path;
  char *last_progress;
  GSubprocess *process;
  GDataInputStream *stdout_lines;
  GDataInputStream *stderr_lines;
  GQueue stderr_tail;
  GTask *start_task;
  GCancellable *cancellable;
  guint poll_id;

  guint16 port;
  guint extra_tasks;
  gboolean kaslr;
  gint64 qemu_started;
  gboolean booting;
};

G_DEFINE_FINAL_TYPE (HsBoard, hs_board, G_TYPE_OBJECT)

enum {
  PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

gboolean
hs_board_parse_progress (const char *line,
                         guint      *step,
                         guint      *total)
{
  guint64 a, b;
  char *end;

  if (line[0] != '[')
    return FALSE;
  a = g_ascii_strtoull (line + 1, &end, 10);
  if (end == line + 1 || *end != '/')
    return FALSE;
  line = end + 1;
  b = g_ascii_strtoull (line, &end, 10);
  if (end == line || *end != ']' || b == 0 || a > b || b > 1000)
    return FALSE;
  *step = (guint) a;
  *total = (guint) b;
  return TRUE;
}

static const char *
find_script (void)
{
  const char *env = g_getenv ("HYPERSCOPE_BOARD_SCRIPT");

  if (env && *env)
    return env;
  /* A build tree runs the script from its source; an installed one from pkgdatadir. */
  if (g_file_test (HS_BOARD_SCRIPT_SOURCE, G_FILE_TEST_IS_EXECUTABLE))
    return HS_BOARD_SCRIPT_SOURCE;
  return HS_BOARD_SCRIPT_INSTALLED;
}

static guint16
pick_free_port (GError **error)
{
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (sock == NULL || !g_socket_bind (sock, any, FALSE, error))
    return 0;
  bound = g_socket_get_local_address (sock, error);
  if (bound == NULL)
    return 0;
  /* Closed again at once: QEMU binds it a moment later. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
child_setup (gpointer data)
{
  /* QEMU must not outlive a crashed or killed debugger. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static char *
stderr_tail (HsBoard *self)
{
  GString *s = g_string_new (NULL);

  for (GList *l = self->stderr_tail.head; l; l = l->next)
    g_string_append_printf (s, "\n  %s", (const char *) l->data);
  return g_string_free (s, FALSE);
}

static void
finish_start (HsBoard *self,
              GError  *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  self->booting = FALSE;
  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error)
    {
      hs_board_stop (self);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

char *
hs_board_read_serial (HsBoard *self)
{
  char *text = NULL;

  g_return_val_if_fail (HS_IS_BOARD (self), NULL);
  if (self->serial_path == NULL || !g_file_get_contents (self->serial_path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static guint
boot_timeout_s (HsBoard *self)
{
  return BOOT_TIMEOUT_S + self->extra_tasks * TASK_TIMEOUT_MS / 1000;
}

static gboolean
poll_serial (gpointer data)
{
  HsBoard *self = data;
  g_autofree char *text = hs_board_read_serial (self);
  gboolean all = TRUE;

  for (guint i = 0; ready_markers[i]; i++)
    if (strstr (text, ready_markers[i]) == NULL)
      all = FALSE;
  if (all)
    {
      g_autofree char *msg = g_strdup_printf ("board ready: both guests are up (%.1f s after QEMU "
                                              "started)",
                                              (g_get_monotonic_time () - self->qemu_started) / 1e6);

      g_free (self->last_progress);
      self->last_progress = g_strdup (msg);
      g_signal_emit (self, signals[PROGRESS], 0, msg, 0, 0);
      self->poll_id = 0;
      finish_start (self, NULL);
      return G_SOURCE_REMOVE;
    }
  if (g_get_monotonic_time () - self->qemu_started
      > (gint64) boot_timeout_s (self) * G_USEC_PER_SEC)
    {
      self->poll_id = 0;
      finish_start (self, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                       "the demo board did not report both guests ready within "
                                       "%u s; see its serial log %s", boot_timeout_s (self),
                                       self->serial_path));
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void read_stdout (HsBoard *self);

static void
stdout_line_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HsBoard) self = user_data;
  g_autofree char *line = NULL;
  guint step, total;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL,
                                                    NULL);
  if (line == NULL)
    return;
  if (hs_board_parse_progress (line, &step, &total))
    {
      g_free (self->last_progress);
      self->last_progress = g_strdup (line);
      g_signal_emit (self, signals[PROGRESS], 0, line, step, total);
      /* The script prints its last step just before it becomes QEMU. */
      if (step == total && self->qemu_started == 0)
        {
          self->qemu_started = g_get_monotonic_time ();
          if (self->booting && self->poll_id == 0)
            self->poll_id = g_timeout_add (POLL_MS, poll_serial, self);
        }
    }
  else
    g_debug ("board: %s", line);
  read_stdout (self);
}

static void
read_stdout (HsBoard *self)
{
  if (self->stdout_lines)
    g_data_input_stream_read_line_async (self->stdout_lines, G_PRIORITY_DEFAULT,
                                         self->cancellable, stdout_line_cb, g_object_ref (self));
}

static void read_stderr (HsBoard *self);

static void
stderr_line_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HsBoard) self = user_data;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                          NULL, NULL);

  if (line == NULL)
    return;
  g_debug ("board stderr: %s", line);
  g_queue_push_tail (&self->stderr_tail, line);
  while (self->stderr_tail.length > STDERR_LINES)
    g_free (g_queue_pop_head (&self->stderr_tail));
  read_stderr (self);
}

static void
read_stderr (HsBoard *self)
{
  if (self->stderr_lines)
    g_data_input_stream_read_line_async (self->stderr_lines, G_PRIORITY_DEFAULT,
                                         self->cancellable, stderr_line_cb, g_object_ref (self));
}

static void
process_exited (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HsBoard) self = user_data;
  GSubprocess *process = G_SUBPROCESS (object);
  g_autofree char *tail = NULL;

  g_subprocess_wait_finish (process, result, NULL);
  if (self->start_task == NULL)
    return;
  tail = stderr_tail (self);
  finish_start (self, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                   "the demo board stopped before both guests were ready "
                                   "(%s %d)%s%s",
                                   g_subprocess_get_if_signaled (process) ? "signal" : "exit code",
                                   g_subprocess_get_if_signaled (process)
                                     ? g_subprocess_get_term_sig (process)
                                     : g_subprocess_get_exit_status (process),
                                   *tail ? ":" : "", tail));
}

void
hs_board_start_async (HsBoard             *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *run_dir = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *tasks_text = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  GError *error = NULL;

  g_return_if_fail (HS_IS_BOARD (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_board_start_async);
  if (self->process != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               "the demo board is already running");
      return;
    }
  if (!g_file_test (self->script, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "the demo board script %s is missing or not executable",
                               self->script);
      return;
    }

  self->port = pick_free_port (&error);
  if (self->port == 0)
    {
      g_prefix_error (&error, "no free TCP port for the board's gdbstub: ");
      g_task_return_error (task, error);
      return;
    }
  run_dir = g_build_filename (g_get_user_cache_dir (), "hyperscope", "run", NULL);
  if (g_mkdir_with_parents (run_dir, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "cannot create %s: %s", run_dir, g_strerror (saved));
      return;
    }
  name = g_strdup_printf ("serial-%d-%u.log", getpid (), self->port);
  g_free (self->serial_path);
  self->serial_path = g_build_filename (run_dir, name, NULL);
  /* A fresh log: the ready markers of a previous boot must not count. */
  g_file_set_contents (self->serial_path, "", 0, NULL);
  port_text = g_strdup_printf ("%u", self->port);
  argv = g_ptr_array_new ();
  g_ptr_array_add (argv, self->script);
  g_ptr_array_add (argv, (char *) "run");
  g_ptr_array_add (argv, (char *) "--gdb-port");
  g_ptr_array_add (argv, port_text);
  g_ptr_array_add (argv, (char *) "--serial");
  g_ptr_array_add (argv, self->serial_path);
  if (self->extra_tasks > 0)
    {
      tasks_text = g_strdup_printf ("%u", self->extra_tasks);
      g_ptr_array_add (argv, (char *) "--tasks");
      g_ptr_array_add (argv, tasks_text);
    }
  if (self->kaslr)
    g_ptr_array_add (argv, (char *) "--kaslr");
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                &error);
  if (self->process == NULL)
    {
      g_prefix_error (&error, "cannot start the demo board (%s): ", self->script);
      g_task_return_error (task, error);
      return;
    }

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->stdout_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  self->stderr_lines = g_data_input_stream_new (g_subprocess_get_stderr_pipe (self->process));
  self->qemu_started = 0;
  self->booting = TRUE;
  self->start_task = g_steal_pointer (&task);
  read_stdout (self);
  read_stderr (self);
  g_subprocess_wait_async (self->process, self->cancellable, process_exited, g_object_ref (self));
}

gboolean
hs_board_start_finish (HsBoard       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hs_board_stop (HsBoard *self)
{
  g_autoptr(GSubprocess) process = NULL;

  g_return_if_fail (HS_IS_BOARD (self));

  process = g_steal_pointer (&self->process);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->stdout_lines);
  g_clear_object (&self->stderr_lines);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (process == NULL)
    return;

  /* GLib's worker reaps the child, so its identifier vanishes without a main loop. */
  g_subprocess_send_signal (process, SIGTERM);
  for (guint i = 0; i < 50 && g_subprocess_get_identifier (process) != NULL; i++)
    g_usleep (100 * 1000);
  if (g_subprocess_get_identifier (process) != NULL)
    g_subprocess_force_exit (process);
}

gboolean
hs_board_is_running (HsBoard *self)
{
  g_return_val_if_fail (HS_IS_BOARD (self), FALSE);
  return self->process != NULL && g_subprocess_get_identifier (self->process) != NULL;
}

GPid
hs_board_get_pid (HsBoard *self)
{
  const char *id;

  g_return_val_if_fail (HS_IS_BOARD (self), 0);
  id = self->process ? g_subprocess_get_identifier (self->process) : NULL;
  return id ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

void
hs_board_set_extra_tasks (HsBoard *self,
                          guint    n)
{
  g_return_if_fail (HS_IS_BOARD (self));
  g_return_if_fail (n <= MAX_EXTRA_TASKS);
  /* Read when the board starts: a running board keeps the tasks it booted with. */
  self->extra_tasks = n;
}

/* Boots the guests' kernels randomised (hyperscope-board run --kaslr): a CPU model with RNDR,
 * their only seed under Xen, and no nokaslr. Call before starting. */
void
hs_board_set_kaslr (HsBoard  *self,
                    gboolean  kaslr)
{
  g_return_if_fail (HS_IS_BOARD (self));
  self->kaslr = kaslr;
}

guint16
hs_board_get_gdb_port (HsBoard *self)
{
  g_return_val_if_fail (HS_IS_BOARD (self), 0);
  return self->port;
}

const char *
hs_board_get_serial_path (HsBoard *self)
{
  g_return_val_if_fail (HS_IS_BOARD (self), NULL);
  return self->serial_path;
}

const char *
hs_board_get_script (HsBoard *self)
{
  g_return_val_if_fail (HS_IS_BOARD (self), NULL);
  return self->script;
}

const char *
hs_board_get_last_progress (HsBoard *self)
{
  g_return_val_if_fail (HS_IS_BOARD (self), NULL);
  return self->last_progress;
}

char *
hs_board_get_session_script (HsBoard *self)
{
  g_return_val_if_fail (HS_IS_BOARD (self), NULL);
  /* The same place the script uses: $XDG_CACHE_HOME/hyperscope/board/out. */
  return g_build_filename (g_get_user_cache_dir (), "hyperscope", "board", "out",
                           "demo-session.cmm", NULL);
}

/* Blocks briefly (the script only prints what it has): call it off the GUI thread. */
char *
hs_board_get_path (HsBoard     *self,
                   const char  *key,
                   GError     **error)
{
  const char *argv[] = { self->script, "paths", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *prefix = g_strconcat (key, "=", NULL);
  int status = 0;

  g_return_val_if_fail (HS_IS_BOARD (self), NULL);

  /* g_spawn_sync() waits in this thread; a GSubprocess would have GLib's worker thread reap
   * the child and wake a private main context. */
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                     error))
    return NULL;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "the demo board is not built yet (%s paths: %s)", self->script,
                   err ? g_strstrip (err) : "failed");
      return NULL;
    }
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i] + strlen (prefix));
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "the demo board has no '%s'", key);
  return NULL;
}

static void
hs_board_dispose (GObject *object)
{
  HsBoard *self = HS_BOARD (object);

  hs_board_stop (self);
  g_clear_object (&self->start_task);
  G_OBJECT_CLASS (hs_board_parent_class)->dispose (object);
}

static void
hs_board_finalize (GObject *object)
{
  HsBoard *self = HS_BOARD (object);

  g_queue_clear_full (&self->stderr_tail, g_free);
  g_clear_object (&self->cancellable);
  g_free (self->script);
  g_free (self->serial_path);
  g_free (self->last_progress);
  G_OBJECT_CLASS (hs_board_parent_class)->finalize (object);
}

static void
hs_board_class_init (HsBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hs_board_dispose;
  object_class->finalize = hs_board_finalize;

  /**
   * HsBoard::progress:
   * @line: the script's line, e.g. "[3/7] download linux-image-...: 12.0/262.0 MB, 4 s"
   * @step: the step number, or 0 for lines without one
   * @total: the number of steps, or 0
   */
  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);
}

static void
hs_board_init (HsBoard *self)
{
  g_queue_init (&self->stderr_tail);
  self->script = g_strdup (find_script ());
}

HsBoard *
hs_board_new (void)
{
  return g_object_new (HS_TYPE_BOARD, NULL);
}
