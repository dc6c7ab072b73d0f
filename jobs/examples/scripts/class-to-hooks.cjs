// jscodeshift transform: turns `class X extends React.Component` without state or lifecycle methods into a
// function component. Components it cannot convert safely are left as they are.
module.exports = function transform(file, api) {
  const j = api.jscodeshift;
  const root = j(file.source);
  root
    .find(j.ClassDeclaration, { superClass: { object: { name: 'React' }, property: { name: 'Component' } } })
    .filter((path) => path.node.body.body.every((member) => member.key && member.key.name === 'render'))
    .forEach((path) => {
      const render = path.node.body.body[0];
      const fn = j.functionDeclaration(path.node.id, [j.identifier('props')], render.value.body);
      j(path).replaceWith(fn);
    });
  return root.toSource();
};
