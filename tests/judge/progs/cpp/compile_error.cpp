// not compiling: an undeclared identifier (compilation error)
int main()
{
	return undeclared_thing;
}
