// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Opening output files safely (see outfile.h): the directories walked one
 * component at a time with our own rule for symbolic links in shared
 * sticky directories, the last component opened with O_NOFOLLOW, its type
 * and owner checked before anything is truncated. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include "proctrace/buf.h"
#include "proctrace/outfile.h"

/* As many links as the kernel follows in one lookup (MAXSYMLINKS). */
#define MAX_LINKS 40
/* Tries when the name changes between our look and our open. */
#define OPEN_TRIES 8

static __attribute__((format(printf, 4, 5))) int fail(char *err, size_t errlen, int ret,
						      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

static int fail_errno(char *err, size_t errlen, const char *path)
{
	int e = errno;

	return fail(err, errlen, -e, "cannot open %s: %s", path, strerror(e));
}

/* The user who ran sudo, when we are root because of it. */
static bool sudo_invoker(uid_t *uid, gid_t *gid)
{
	const char *u = getenv("SUDO_UID"), *g = getenv("SUDO_GID");
	unsigned long uv, gv;
	char *end;

	if (geteuid() != 0 || !u || !g || *u < '0' || *u > '9' || *g < '0' || *g > '9')
		return false;
	errno = 0;
	uv = strtoul(u, &end, 10);
	if (*end || errno || uv >= (uid_t)-1)
		return false;
	gv = strtoul(g, &end, 10);
	if (*end || errno || gv >= (gid_t)-1)
		return false;
	*uid = (uid_t)uv;
	*gid = (gid_t)gv;
	return true;
}

/* A sticky directory others may write to (/tmp, /var/tmp, /dev/shm): its
 * entries may have been planted by anyone. */
static bool shared_sticky(const struct stat *dir)
{
	return (dir->st_mode & S_ISVTX) && (dir->st_mode & (S_IWGRP | S_IWOTH));
}

/* Who may have put an entry in such a directory that we trust: ourselves,
 * the user who ran sudo (who asked for the file), and the directory's
 * owner (who could replace anything in it anyway). */
static bool trusted_owner(uid_t owner, const struct stat *dir)
{
	uid_t sudo_uid;
	gid_t sudo_gid;

	return owner == geteuid() || owner == dir->st_uid ||
		(sudo_invoker(&sudo_uid, &sudo_gid) && owner == sudo_uid);
}

/* The target of the link fd (O_PATH | O_NOFOLLOW), then "/" and rest. */
static char *splice_link(int fd, const char *rest)
{
	char target[PATH_MAX], *out;
	ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);

	if (n < 0)
		return NULL;
	target[n] = '\0';
	if (asprintf(&out, "%s/%s", target, rest) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	return out;
}

/* Open dir (O_PATH) the way the kernel would, but following each symbolic
 * link ourselves, so that one planted in a shared sticky directory is
 * refused (fs.protected_symlinks may be 0). */
static int walk_dir(const char *dir, const char *path, int *out, char *err, size_t errlen)
{
	char *todo = strdup(dir), *p, *rest, *spliced;
	struct stat st, cur_st;
	int cur, fd, links = 0, ret = 0;

	cur = open(*dir == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!todo || cur < 0) {
		ret = fail_errno(err, errlen, path);
		goto out;
	}
	for (p = todo; *p;) {
		if (*p == '/') {
			p++;
			continue;
		}
		rest = strchrnul(p, '/');
		if (*rest)
			*rest++ = '\0';
		fd = openat(cur, p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) || fstat(cur, &cur_st)) {
			ret = fail_errno(err, errlen, path);
			if (fd >= 0)
				close(fd);
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			close(cur);
			cur = fd;
			p = rest;
			continue;
		}
		if (!S_ISLNK(st.st_mode)) {
			close(fd);
			ret = fail(err, errlen, -ENOTDIR, "cannot open %s: %s is not a directory",
				   path, p);
			goto out;
		}
		if (shared_sticky(&cur_st) && !trusted_owner(st.st_uid, &cur_st)) {
			close(fd);
			ret = fail(err, errlen, -EACCES,
				   "refusing to write %s: it goes through the symbolic link %s, "
				   "owned by uid %u in a sticky directory others can write to",
				   path, p, (unsigned)st.st_uid);
			goto out;
		}
		errno = ELOOP;
		spliced = ++links <= MAX_LINKS ? splice_link(fd, rest) : NULL;
		close(fd);
		if (!spliced) {
			ret = fail_errno(err, errlen, path);
			goto out;
		}
		/* An absolute target starts again from the root; a relative one
		 * from the directory the link is in. */
		if (*spliced == '/') {
			close(cur);
			cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		}
		free(todo);
		p = todo = spliced;
		if (cur < 0) {
			ret = fail_errno(err, errlen, path);
			goto out;
		}
	}
out:
	free(todo);
	if (ret && cur >= 0)
		close(cur);
	if (!ret)
		*out = cur;
	return ret;
}

/* Only a regular file or a character device (/dev/null) is written; the
 * rest is refused before it is opened (opening a FIFO would wait for a
 * reader, opening some devices acts on them). */
static int check_existing(const struct pt_outfile *o, const struct stat *st, const struct stat *dir,
			  char *err, size_t errlen)
{
	const char *what = NULL;

	if (S_ISLNK(st->st_mode))
		return fail(err, errlen, -ELOOP, "refusing to write %s: it is a symbolic link",
			    o->path);
	if (S_ISDIR(st->st_mode))
		return fail(err, errlen, -EISDIR, "cannot write %s: it is a directory", o->path);
	if (S_ISFIFO(st->st_mode))
		what = "a FIFO ('-' writes to standard output, for a pipe)";
	else if (S_ISSOCK(st->st_mode))
		what = "a socket";
	else if (S_ISBLK(st->st_mode))
		what = "a block device";
	else if (!S_ISREG(st->st_mode) && !S_ISCHR(st->st_mode))
		what = "not a regular file";
	if (what)
		return fail(err, errlen, -EINVAL, "refusing to write %s: it is %s", o->path, what);
	if (shared_sticky(dir) && !trusted_owner(st->st_uid, dir))
		return fail(err, errlen, -EACCES,
			    "refusing to write %s: it belongs to uid %u, in a sticky directory "
			    "others can write to",
			    o->path, (unsigned)st->st_uid);
	return 0;
}

/* Open the existing o->name, checked first and again once open (the same
 * file): -EAGAIN when it changed in between, to look again. */
static int open_existing(struct pt_outfile *o, const struct stat *dir, int *fdp, char *err,
			 size_t errlen)
{
	struct stat before, st;
	int fd, ret;

	if (fstatat(o->dirfd, o->name, &before, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? -EAGAIN : fail_errno(err, errlen, o->path);
	ret = check_existing(o, &before, dir, err, errlen);
	if (ret)
		return ret;
	/* O_NONBLOCK: a FIFO put there since our look must not block us. */
	fd = openat(o->dirfd, o->name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT || errno == ELOOP || errno == ENXIO
			? -EAGAIN
			: fail_errno(err, errlen, o->path);
	if (fstat(fd, &st) || st.st_dev != before.st_dev || st.st_ino != before.st_ino ||
	    fcntl(fd, F_SETFL, 0)) {
		close(fd);
		return -EAGAIN;
	}
	*fdp = fd;
	return 0;
}

/* Create o->name in o->dirfd, or open the file that is there (checked):
 * *created says which. */
static int open_name(struct pt_outfile *o, const struct stat *dir, int *fdp, bool *created,
		     char *err, size_t errlen)
{
	int ret = -EAGAIN;

	for (int i = 0; i < OPEN_TRIES && ret == -EAGAIN; i++) {
		*fdp = openat(o->dirfd, o->name,
			      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
			      0666);
		*created = *fdp >= 0;
		if (*created)
			ret = 0;
		else if (errno == EEXIST)
			ret = open_existing(o, dir, fdp, err, errlen);
		else
			ret = fail_errno(err, errlen, o->path);
	}
	if (ret == -EAGAIN)
		return fail(err, errlen, -EAGAIN, "cannot open %s: it keeps changing", o->path);
	return ret;
}

/* name -> name.1 and the older ones up (pt_rotate_shift). */
static int shift(struct pt_outfile *o, char *err, size_t errlen)
{
	char failed[NAME_MAX + 1];
	int ret = pt_rotate_shift(o->dirfd, o->name, o->keep, failed, sizeof(failed));

	if (ret)
		return fail(err, errlen, ret, "rotating %s: renaming %s: %s", o->path, failed,
			    strerror(-ret));
	return 0;
}

static int open_in_dir(struct pt_outfile *o, char *err, size_t errlen)
{
	struct stat dir, st;
	bool created;
	uid_t uid;
	gid_t gid;
	int fd = -1, ret;

	if (fstat(o->dirfd, &dir))
		return fail_errno(err, errlen, o->path);
	ret = open_name(o, &dir, &fd, &created, err, errlen);
	if (!ret && fstat(fd, &st))
		ret = fail_errno(err, errlen, o->path);
	/* Rotating, a recording found at the path (proctrace restarted) is
	 * rotated like a full one, not emptied. */
	if (!ret && o->keep && !created && S_ISREG(st.st_mode) && st.st_size > 0) {
		close(fd);
		fd = -1;
		ret = shift(o, err, errlen);
		if (!ret)
			ret = open_name(o, &dir, &fd, &created, err, errlen);
		if (!ret && fstat(fd, &st))
			ret = fail_errno(err, errlen, o->path);
	}
	if (!ret &&
	    ((!created && S_ISREG(st.st_mode) && ftruncate(fd, 0)) ||
	     (created && sudo_invoker(&uid, &gid) && fchown(fd, uid, gid))))
		ret = fail_errno(err, errlen, o->path);
	if (!ret) {
		o->f = fdopen(fd, "w");
		if (!o->f)
			ret = fail_errno(err, errlen, o->path);
	}
	if (ret) {
		if (fd >= 0)
			close(fd);
		return ret;
	}
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	return 0;
}

/* dir part and last component of path: "a/b/c" -> "a/b", "c". */
static int split_path(struct pt_outfile *o, char **dir, char *err, size_t errlen)
{
	const char *slash = strrchr(o->path, '/');
	const char *name = slash ? slash + 1 : o->path;

	if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		fail(err, errlen, -EISDIR, "cannot write %s: it is a directory", o->path);
		return -EISDIR; /* spelled out for the analyzer, which loses it in fail() */
	}
	o->name = strdup(name);
	if (!slash)
		*dir = strdup(".");
	else if (slash == o->path)
		*dir = strdup("/");
	else
		*dir = strndup(o->path, (size_t)(slash - o->path));
	if (o->name && *dir)
		return 0;
	snprintf(err, errlen, "cannot open %s: %s", o->path, strerror(ENOMEM));
	return -ENOMEM;
}

/* o->dirfd and o->name for path, its directory walked safely. */
static int resolve(struct pt_outfile *o, const char *path, unsigned keep, char *err, size_t errlen)
{
	char *dir = NULL;
	int ret;

	*o = (struct pt_outfile){ .path = path, .dirfd = -1, .keep = keep };
	ret = split_path(o, &dir, err, errlen);
	if (!ret)
		ret = walk_dir(dir, path, &o->dirfd, err, errlen);
	free(dir);
	return ret;
}

int pt_outfile_open(struct pt_outfile *o, const char *path, unsigned keep, char *err, size_t errlen)
{
	int ret;

	if (!strcmp(path, "-")) {
		*o = (struct pt_outfile){ .path = path, .dirfd = -1, .f = stdout };
		return 0;
	}
	ret = resolve(o, path, keep, err, errlen);
	if (!ret)
		ret = open_in_dir(o, err, errlen);
	if (ret)
		pt_outfile_close(o);
	return ret;
}

bool pt_outfile_still_there(const struct pt_outfile *o)
{
	struct stat st;

	if (o->dirfd < 0)
		return true;
	/* Only a look: the open that may follow walks the path safely. */
	return !fstatat(AT_FDCWD, o->path, &st, AT_SYMLINK_NOFOLLOW) && st.st_dev == o->dev &&
		st.st_ino == o->ino;
}

int pt_outfile_rotate(struct pt_outfile *o, char *err, size_t errlen)
{
	int ret = 0;

	if (o->f && fclose(o->f))
		ret = fail(err, errlen, -errno, "writing %s: %s", o->path, strerror(errno));
	o->f = NULL;
	/* In the directory found at open: the path is not walked again. */
	if (!ret)
		ret = shift(o, err, errlen);
	return ret ? ret : open_in_dir(o, err, errlen);
}

int pt_outfile_close(struct pt_outfile *o)
{
	int ret = 0;

	if (o->f == stdout)
		ret = fflush(stdout) ? -errno : 0;
	else if (o->f && fclose(o->f))
		ret = -errno;
	o->f = NULL;
	if (o->dirfd >= 0)
		close(o->dirfd);
	o->dirfd = -1;
	free(o->name);
	o->name = NULL;
	return ret;
}

/* ---- a file written whole ---- */

/* A new file NAME.tmp.XXXXXX beside o->name, created like any output file. */
static int create_beside(struct pt_outfile *o, char **tmp, FILE **f, char *err, size_t errlen)
{
	static const char chars[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(o->name) + sizeof(".tmp.XXXXXX");
	unsigned char rnd[6];
	char *name = malloc(len);
	uid_t uid;
	gid_t gid;
	int fd = -1, ret = 0;

	if (!name)
		return fail(err, errlen, -ENOMEM, "cannot open %s: %s", o->path, strerror(ENOMEM));
	for (int i = 0; i < 100 && fd < 0; i++) {
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			break;
		snprintf(name, len, "%s.tmp.", o->name);
		for (size_t k = 0; k < sizeof(rnd); k++)
			name[len - 7 + k] = chars[rnd[k] % (sizeof(chars) - 1)];
		name[len - 1] = '\0';
		fd = openat(o->dirfd, name,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0 || (sudo_invoker(&uid, &gid) && fchown(fd, uid, gid)) || !(*f = fdopen(fd, "w")))
		ret = fail(err, errlen, -errno, "cannot write %s: %s", o->path, strerror(errno));
	if (ret && fd >= 0) {
		close(fd);
		unlinkat(o->dirfd, name, 0);
	}
	if (ret)
		free(name);
	else
		*tmp = name;
	return ret;
}

int pt_whole_file_open(struct pt_whole_file *w, const char *path, char *err, size_t errlen)
{
	struct stat dir, st;
	int ret;

	memset(w, 0, sizeof(*w));
	w->out.dirfd = -1;
	w->path = path;
	if (!strcmp(path, "-")) {
		w->f = stdout;
		return 0;
	}
	ret = resolve(&w->out, path, 0, err, errlen);
	if (!ret && fstat(w->out.dirfd, &dir))
		ret = fail_errno(err, errlen, path);
	if (!ret && !fstatat(w->out.dirfd, w->out.name, &st, AT_SYMLINK_NOFOLLOW)) {
		ret = check_existing(&w->out, &st, &dir, err, errlen);
		/* A device is written straight: renamed over, it would be
		 * replaced by a regular file. */
		if (!ret && S_ISCHR(st.st_mode)) {
			ret = open_in_dir(&w->out, err, errlen);
			w->f = w->out.f;
			w->out.f = NULL;
		}
	} else if (!ret && errno != ENOENT) {
		ret = fail_errno(err, errlen, path);
	}
	if (!ret && !w->f)
		ret = create_beside(&w->out, &w->tmp, &w->f, err, errlen);
	if (ret) {
		pt_outfile_close(&w->out);
		w->path = NULL;
	}
	return ret;
}

static void whole_file_release(struct pt_whole_file *w)
{
	if (w->tmp)
		unlinkat(w->out.dirfd, w->tmp, 0); /* nothing there after a rename */
	free(w->tmp);
	w->tmp = NULL;
	w->f = NULL;
	if (w->path)
		pt_outfile_close(&w->out);
	w->path = NULL;
}

int pt_whole_file_commit(struct pt_whole_file *w)
{
	int err;

	if (!w->f)
		return -EBADF;
	err = pt_file_flush(w->f);
	/* On disk before the rename, so a crash never leaves an empty file
	 * under the name. */
	if (!err && w->tmp && fsync(fileno(w->f)))
		err = -errno;
	if (w->f != stdout && fclose(w->f) && !err)
		err = -errno;
	w->f = NULL;
	if (!err && w->tmp && renameat(w->out.dirfd, w->tmp, w->out.dirfd, w->out.name))
		err = -errno;
	if (!err && w->tmp) {
		free(w->tmp);
		w->tmp = NULL;
	}
	whole_file_release(w);
	return err;
}

void pt_whole_file_abort(struct pt_whole_file *w)
{
	if (w->f && w->f != stdout)
		fclose(w->f);
	whole_file_release(w);
}
