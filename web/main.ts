import { mount } from 'svelte';
import App from './App.svelte';
import ClassView from './components/ClassView.svelte';
import './styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
// /class is the instructor's view of every cluster of a workshop; every other path is the lab.
mount(location.pathname === '/class' ? ClassView : App, { target });
