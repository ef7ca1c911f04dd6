/* not compiling: an undeclared identifier (compilation error) */
int main(void)
{
	return undeclared_thing;
}
