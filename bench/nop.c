// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* ptnop: the program the fork+exec storm runs. Built static so that exec
 * costs the kernel's work and little else: the storm measures the tracer,
 * not the dynamic loader. */
int main(void)
{
	return 0;
}
