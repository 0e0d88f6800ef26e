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
#include "outfile_int.h"

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

/* ---- a file written beside its name ---- */

#define TMP_SUFFIX ".tmp."
#define TMP_RANDOM 6

/* One snprintf builds the name whole: NUL-terminated by construction. */
int outfile_tmp_name(const char *name, char *out, size_t outlen)
{
	static const char chars[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	const int room = NAME_MAX - PT_OUTFILE_TMP_SPARE - (int)strlen(TMP_SUFFIX) - TMP_RANDOM;
	unsigned char rnd[TMP_RANDOM];
	char suffix[TMP_RANDOM + 1];

	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return -errno;
	for (size_t k = 0; k < sizeof(rnd); k++)
		suffix[k] = chars[rnd[k] % (sizeof(chars) - 1)];
	suffix[TMP_RANDOM] = '\0';
	snprintf(out, outlen, "%.*s" TMP_SUFFIX "%s", room, name, suffix);
	return 0;
}

int outfile_no_file_beside(const struct pt_outfile *o, const struct stat *old, int ret,
			   const char *needs, char *err, size_t errlen)
{
	const char *why = ret == -ENOENT ? "its directory takes no new files" : strerror(-ret);

	if (!old)
		return fail(err, errlen, ret, "cannot create %s: %s", o->path, why);
	return fail(err, errlen, ret,
		    "cannot write %s: no new file can be created beside it (%s), %s", o->path, why,
		    needs ? needs : OUTFILE_BESIDE_NEEDS);
}

/* A new file beside o->name (o->tmp), created like any output file; it
 * takes the owner and mode of the file it will replace (old), if any, so
 * that replacing it changes only its content. */
static int create_beside(struct pt_outfile *o, const struct stat *old, int *fdp, char *err,
			 size_t errlen)
{
	char name[NAME_MAX + 1];
	uid_t uid;
	gid_t gid;
	int fd = -1, ret = 0;

	for (int i = 0; i < 100 && fd < 0 && !ret; i++) {
		ret = outfile_tmp_name(o->name, name, sizeof(name));
		if (ret)
			break;
		fd = openat(o->dirfd, name,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0666);
		if (fd < 0 && errno != EEXIST)
			ret = -errno;
	}
	if (fd < 0)
		return outfile_no_file_beside(o, old, ret ? ret : -EEXIST, NULL, err, errlen);
	/* Only root can give a file away: as another user, the file stays
	 * its own, as a new file would. */
	if (old) {
		if (fchown(fd, old->st_uid, old->st_gid) && errno != EPERM)
			ret = -errno;
		if (!ret && fchmod(fd, old->st_mode & 07777))
			ret = -errno;
	} else if (sudo_invoker(&uid, &gid) && fchown(fd, uid, gid)) {
		ret = -errno;
	}
	o->tmp = ret ? NULL : strdup(name);
	if (!ret && !o->tmp)
		ret = -ENOMEM;
	if (ret) {
		close(fd);
		unlinkat(o->dirfd, name, 0);
		return fail(err, errlen, ret, "cannot write %s: %s", o->path, strerror(-ret));
	}
	*fdp = fd;
	return 0;
}

int outfile_look_existing(struct pt_outfile *o, const struct stat *dir, struct stat *st,
			  bool *exists, char *err, size_t errlen)
{
	*exists = !fstatat(o->dirfd, o->name, st, AT_SYMLINK_NOFOLLOW);
	if (!*exists)
		return errno == ENOENT ? 0 : fail_errno(err, errlen, o->path);
	return check_existing(o, st, dir, err, errlen);
}

/* ---- opening ---- */

/* Opens o->name in o->dirfd; with beside, a new file beside it instead
 * (o->tmp), which pt_outfile_commit() renames over it, unless it is a
 * character device (/dev/null), which is written straight. */
static int open_in_dir(struct pt_outfile *o, bool beside, char *err, size_t errlen)
{
	struct stat dir, st;
	bool created, exists;
	uid_t uid;
	gid_t gid;
	int fd = -1, ret;

	if (fstat(o->dirfd, &dir))
		return fail_errno(err, errlen, o->path);
	ret = beside ? outfile_look_existing(o, &dir, &st, &exists, err, errlen) : 0;
	if (ret)
		return ret;
	if (beside && !(exists && S_ISCHR(st.st_mode))) {
		ret = create_beside(o, exists ? &st : NULL, &fd, err, errlen);
		created = true;
	} else {
		ret = open_name(o, &dir, &fd, &created, err, errlen);
	}
	if (!ret && fstat(fd, &st))
		ret = fail_errno(err, errlen, o->path);
	/* Rotating, a recording found at the path (proctrace restarted) is
	 * rotated like a full one, not emptied. */
	if (!ret && !o->tmp && o->keep && !created && S_ISREG(st.st_mode) && st.st_size > 0) {
		close(fd);
		fd = -1;
		ret = shift(o, err, errlen);
		if (!ret)
			ret = open_name(o, &dir, &fd, &created, err, errlen);
		if (!ret && fstat(fd, &st))
			ret = fail_errno(err, errlen, o->path);
	}
	if (!ret && !o->tmp &&
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

int outfile_resolve(struct pt_outfile *o, const char *path, unsigned keep, char *err, size_t errlen)
{
	char *dir = NULL;
	int ret;

	*o = (struct pt_outfile){ .path = path, .dirfd = -1, .keep = keep };
	ret = split_path(o, &dir, err, errlen);
	/* Rotated, NAME becomes NAME.1 ... NAME.keep, which must fit in a
	 * directory entry too: said now, not at the first rotation. */
	if (!ret && keep && strlen(o->name) + (size_t)snprintf(NULL, 0, ".%u", keep) > NAME_MAX)
		ret = fail(err, errlen, -ENAMETOOLONG,
			   "cannot rotate %s: %s.%u would be longer than %d bytes, a file name's "
			   "limit",
			   path, o->name, keep, NAME_MAX);
	if (!ret)
		ret = walk_dir(dir, path, &o->dirfd, err, errlen);
	free(dir);
	return ret;
}

int pt_outfile_open(struct pt_outfile *o, const char *path, unsigned keep, bool beside, char *err,
		    size_t errlen)
{
	int ret;

	if (!strcmp(path, "-")) {
		*o = (struct pt_outfile){ .path = path, .dirfd = -1, .f = stdout };
		return 0;
	}
	ret = outfile_resolve(o, path, keep, err, errlen);
	if (!ret)
		ret = open_in_dir(o, beside, err, errlen);
	if (ret)
		pt_outfile_close(o);
	return ret;
}

bool pt_outfile_still_there(const struct pt_outfile *o)
{
	struct stat st;

	/* Beside its name still: nothing at the path is ours yet. */
	if (o->dirfd < 0 || o->tmp)
		return true;
	/* Only a look: the open that may follow walks the path safely. */
	return !fstatat(AT_FDCWD, o->path, &st, AT_SYMLINK_NOFOLLOW) && st.st_dev == o->dev &&
		st.st_ino == o->ino;
}

int pt_outfile_commit(struct pt_outfile *o, bool sync, char *err, size_t errlen)
{
	struct stat st;
	int ret = 0;

	if (!o->tmp)
		return 0;
	/* Renamed, the file is written on through the same descriptor: only a
	 * synced commit needs its bytes out first. */
	if (sync && (pt_file_flush(o->f) || fsync(fileno(o->f))))
		return fail(err, errlen, -errno, "writing %s: %s", o->path, strerror(errno));
	/* Rotating, a recording found at the path (proctrace restarted) is
	 * rotated like a full one, not replaced. */
	if (o->keep && !fstatat(o->dirfd, o->name, &st, AT_SYMLINK_NOFOLLOW) &&
	    S_ISREG(st.st_mode) && st.st_size > 0)
		ret = shift(o, err, errlen);
	if (!ret && renameat(o->dirfd, o->tmp, o->dirfd, o->name))
		ret = fail(err, errlen, -errno, "cannot write %s: renaming %s: %s", o->path, o->tmp,
			   strerror(errno));
	if (!ret) {
		free(o->tmp);
		o->tmp = NULL;
	}
	return ret;
}

int pt_outfile_rotate(struct pt_outfile *o, char *err, size_t errlen)
{
	int ret = pt_outfile_commit(o, false, err, errlen);

	if (!ret && o->f && fclose(o->f))
		ret = fail(err, errlen, -errno, "writing %s: %s", o->path, strerror(errno));
	o->f = NULL;
	/* In the directory found at open: the path is not walked again. */
	if (!ret)
		ret = shift(o, err, errlen);
	return ret ? ret : open_in_dir(o, false, err, errlen);
}

int pt_outfile_close(struct pt_outfile *o)
{
	int ret = 0;

	if (o->f == stdout)
		ret = fflush(stdout) ? -errno : 0;
	else if (o->f && fclose(o->f))
		ret = -errno;
	o->f = NULL;
	/* Never committed (the run failed): the file at the path, if any,
	 * stays as it was. */
	if (o->tmp)
		unlinkat(o->dirfd, o->tmp, 0);
	free(o->tmp);
	o->tmp = NULL;
	if (o->dirfd >= 0)
		close(o->dirfd);
	o->dirfd = -1;
	free(o->name);
	o->name = NULL;
	return ret;
}

/* ---- a file written whole ---- */

int pt_whole_file_open(struct pt_whole_file *w, const char *path, char *err, size_t errlen)
{
	int ret = pt_outfile_open(&w->out, path, 0, true, err, errlen);

	w->path = ret ? NULL : path;
	w->f = ret ? NULL : w->out.f;
	return ret;
}

int pt_whole_file_commit(struct pt_whole_file *w)
{
	char why[8];
	int err, err2;

	if (!w->f)
		return -EBADF;
	/* On disk before the rename, so a crash never leaves an empty file
	 * under the name; stdout and a device are only flushed. */
	err = w->out.tmp ? pt_outfile_commit(&w->out, true, why, sizeof(why)) : pt_file_flush(w->f);
	err2 = pt_outfile_close(&w->out);
	w->f = NULL;
	w->path = NULL;
	return err ? err : err2;
}

void pt_whole_file_abort(struct pt_whole_file *w)
{
	if (w->path)
		pt_outfile_close(&w->out);
	w->f = NULL;
	w->path = NULL;
}
